// A lab in the background: `lab start --detach` re-runs this CLI detached (its output goes to
// DIR/lab.log) and returns once the lab serves; `status` and `stop` find it by DIR/lab.pid.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { RunbookError } from '../errors.js';
import type { CliIO } from './io.js';
import { processAlive } from '../process-alive.js';
import { selfCommand } from '../self-command.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pidOf(dir: string): number | undefined {
  const file = join(dir, 'lab.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}


function tail(file: string, lines = 15): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
}

export async function detachLab(dir: string, scenario: string, io: CliIO): Promise<number> {
  const running = pidOf(dir);
  if (running && processAlive(running)) throw new RunbookError('E_LAB_BUSY', `a lab is already running in ${dir} (pid ${running})`, { hint: 'runbook lab stop, or another --dir' });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'lab.log');
  const fd = openSync(log, 'a');
  const [program = process.execPath, ...lead] = selfCommand();
  const child = spawn(program, [...lead, 'lab', 'start', '--dir', dir, '--scenario', scenario], { detached: true, stdio: ['ignore', fd, fd], env: io.env as NodeJS.ProcessEnv });
  closeSync(fd);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.unref();
  // Serving means: it wrote its pid and its kubeconfig. Start-up takes well under a second.
  for (let waited = 0; waited < 20_000; waited += 50) {
    if (exited !== undefined) throw new RunbookError('E_LAB_START', `the lab exited (code ${exited}) while starting:\n${tail(log)}`, { hint: `full log: ${log}` });
    if (pidOf(dir) === child.pid && existsSync(join(dir, 'kubeconfig')) && existsSync(join(dir, 'proxmox.env'))) return child.pid!;
    await sleep(50);
  }
  child.kill('SIGTERM');
  throw new RunbookError('E_LAB_START', 'the lab did not start within 20 s', { hint: `see ${log}` });
}

function probeReady(server: string, ca: string, token: string | undefined): Promise<boolean> {
  return new Promise((done) => {
    const headers = token ? { authorization: `Bearer ${token}` } : undefined;
    const req = request(new URL('/readyz', server), { ca, timeout: 2000, ...(headers ? { headers } : {}) }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export async function labStatus(dir: string): Promise<{ running: boolean; text: string }> {
  const pid = pidOf(dir);
  if (!pid || !processAlive(pid)) {
    const saved = existsSync(join(dir, 'state.json')) ? ` (saved state there: \`runbook lab start --dir ${dir}\` resumes it)` : '';
    return { running: false, text: `no lab running in ${dir}${saved}\n` };
  }
  const kubeconfig = existsSync(join(dir, 'kubeconfig')) ? readFileSync(join(dir, 'kubeconfig'), 'utf8') : '';
  const server = /server:\s*(\S+)/.exec(kubeconfig)?.[1];
  const env = existsSync(join(dir, 'proxmox.env')) ? readFileSync(join(dir, 'proxmox.env'), 'utf8') : '';
  const proxmox = /PROXMOX_URL=(\S+)/.exec(env)?.[1];
  const ca = existsSync(join(dir, 'ca.pem')) ? readFileSync(join(dir, 'ca.pem'), 'utf8') : '';
  const token = /token:\s*(\S+)/.exec(kubeconfig)?.[1];
  const ready = server && ca ? await probeReady(server, ca, token) : false;
  return {
    running: true,
    text: `lab running in ${dir} (pid ${pid})\n  Kubernetes API  ${server ?? '?'}  ${ready ? 'ready' : 'NOT ready'}\n  Proxmox VE API  ${proxmox ?? '?'}\n  export KUBECONFIG=${join(dir, 'kubeconfig')}\n  export PROXMOX_ENV_FILE=${join(dir, 'proxmox.env')}\n`,
  };
}

interface StopResult {
  stopped: boolean;
  text: string;
}

export async function stopLab(dir: string): Promise<StopResult> {
  const pid = pidOf(dir);
  if (!pid || !processAlive(pid)) {
    const saved = existsSync(join(dir, 'state.json'));
    return {
      stopped: false,
      text: `no lab running in ${dir}${saved ? ` (its saved state is kept: \`runbook lab start --dir ${dir}\` serves it again, \`runbook lab reset --dir ${dir}\` forgets it)` : ''}\n` +
        'hint: a lab started with --dir is stopped with the same --dir, or from the shell that ran `eval "$(runbook lab start --detach --dir DIR)"` (it exported RUNBOOK_LAB_DIR)\n',
    };
  }
  process.kill(pid, 'SIGTERM');
  // It saves its state on the way out; give it time to.
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (!processAlive(pid)) return { stopped: true, text: `lab stopped (pid ${pid}); state saved in ${dir}\n` };
    await sleep(50);
  }
  throw new RunbookError('E_LAB_STOP', `the lab (pid ${pid}) did not stop within 10 s`, { hint: `kill ${pid}` });
}

/** Stops the lab if it runs and forgets its saved state: the next start begins from the scenario. */
export async function resetLab(dir: string): Promise<string> {
  const stop = await stopLab(dir);
  const { labPaths } = await import('../lab/lab-dir.js');
  // Only the files the lab writes: --dir may name a directory that holds other things too.
  const { dir: _dir, ...files } = labPaths(dir);
  for (const file of [...Object.values(files), join(dir, 'lab.log')]) rmSync(file, { force: true });
  return `${stop.stopped ? stop.text : ''}lab in ${dir} reset: \`runbook lab start --dir ${dir}\` begins from the scenario again (new ports and token: eval its exports again)\n`;
}
