// The Proxmox privileges `runbook rbac NAME` prints (its pveum commands) are sufficient and minimal, proven against
// the lab (its Kubernetes API as is; its Proxmox API enforcing ACLs as pve-access-control does):
// each runbook succeeds with a privilege-separated token holding exactly the derived grants,
// and with any one privilege taken away it fails with PVE's own
// "Permission check failed (PATH, PRIV)" for that privilege.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AclEntry } from '../../src/lab/proxmox/acl.js';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';
import type { CliResult } from '../support/cli.js';
import { runMain } from '../support/in-process.js';

const USER = 'runbook@pve';
const TOKEN = { id: `${USER}!runbook`, secret: '3c9d2e1f-8a7b-4c6d-9e0f-1a2b3c4d5e6f' };

interface Grant {
  path: string;
  privileges: string[];
}

interface Drop {
  path: string;
  privilege: string;
}

const labs: Lab[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((l) => l.stop()));
});

/** What the `pveum` commands of `runbook rbac NAME` grant the token: per ACL path, its role's privileges. */
async function derivedGrants(runbook: string): Promise<Grant[]> {
  const r = await runMain(['rbac', runbook, '--output', 'json']);
  expect(r.code, r.stderr).toBe(0);
  const commands = (JSON.parse(r.stdout) as { proxmox: { commands: string[] } }).proxmox.commands;
  const roles = new Map<string, string[]>();
  const grants: Grant[] = [];
  for (const c of commands) {
    const role = /^pveum role add (\S+) --privs "([^"]*)"$/.exec(c);
    if (role) roles.set(role[1]!, role[2]!.split(','));
    const acl = /^pveum acl modify (\S+) --tokens '([^']+)' --roles (\S+)$/.exec(c);
    if (acl) {
      expect(acl[2]).toBe(TOKEN.id);
      grants.push({ path: acl[1]!, privileges: roles.get(acl[3]!)! });
    }
  }
  expect(commands).toContain(`pveum user token add ${USER} runbook --privsep 1`);
  // The user is granted the same (a privsep token holds what both hold).
  expect(commands.filter((c) => c.includes(` --users ${USER} `)).map((c) => c.replace(` --users ${USER} `, ' --tokens \'' + TOKEN.id + '\' '))).toEqual(commands.filter((c) => c.includes('--tokens')));
  return grants;
}

/** The ACL `pveum acl modify PATH --users/--tokens` gives, less `drop`. */
function aclOf(grants: Grant[], drop?: Drop): AclEntry[] {
  return grants.flatMap((g) => {
    const privs = g.privileges.filter((p) => !(drop && drop.path === g.path && drop.privilege === p));
    return privs.length ? [{ path: g.path, user: USER, privs }, { path: g.path, token: TOKEN.id, privs }] : [];
  });
}

/** A fresh lab whose runbook token holds `grants` (less `drop`); then the runbook as that token,
 * in `root` (its report files go there). */
async function runWith(runbook: string, args: string[], grants: Grant[], drop?: Drop): Promise<{ r: CliResult; root: string }> {
  const root = mkdtempSync(join(tmpdir(), 'pve-privileges-'));
  const lab = await startLab({ dir: join(root, 'lab'), rebootSeconds: 0.2 });
  labs.push(lab);
  lab.settle();
  lab.proxmox.state.addToken({ ...TOKEN, privsep: true });
  lab.proxmox.state.setAcl(aclOf(grants, drop));
  // The lab's env file (URL, CA, inventory) with the runbook token instead of root's.
  const env = readFileSync(lab.proxmoxEnvPath, 'utf8')
    .replace(/^PROXMOX_TOKEN_ID=.*$/m, `PROXMOX_TOKEN_ID=${TOKEN.id}`)
    .replace(/^PROXMOX_TOKEN_SECRET=.*$/m, `PROXMOX_TOKEN_SECRET=${TOKEN.secret}`);
  const envFile = join(root, 'runbook-token.env');
  writeFileSync(envFile, env, { mode: 0o600 });
  const r = await runMain(['--state-dir', join(root, 'state'), 'run', runbook, ...args.map((a) => a.replace('{root}', root)), '--yes'], { env: { KUBECONFIG: lab.kubeconfigPath, PROXMOX_ENV_FILE: envFile } });
  return { r, root };
}

/** The evidence of cluster-hygiene's `read.proxmox` warnings in its JSON report. */
function proxmoxReadGaps(root: string): string {
  const report = JSON.parse(readFileSync(join(root, 'report.json'), 'utf8')) as { findings: Array<{ check: string; evidence: string[] }> };
  return report.findings.filter((f) => f.check === 'read.proxmox').flatMap((f) => f.evidence).join('\n');
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** PVE's refusal for `priv` on the granted path or below it (/vms/111, /nodes/pve); a check of
 * "any of" lists them joined by '|' (RPCEnvironment::check_any). */
function refusal(drop: Drop): RegExp {
  const base = drop.path === '/' ? '' : esc(drop.path);
  return new RegExp(`Permission check failed \\(${base}(?:/[^,)]+)?, (?:[\\w.]+\\|)*${esc(drop.privilege)}(?:\\|[\\w.]+)*\\)`);
}

/** `diagnosis`: a refusal is a read gap in the report (the verdict, exit 7 for the incident's
 * findings, stays), not a failed run; one that passed blind would show no gap. */
const RUNBOOKS: Array<{ runbook: string; args: string[]; diagnosis?: true }> = [
  { runbook: 'reboot-node', args: ['--node', 'k3s-replica-0'] },
  { runbook: 'fix-ballooning', args: ['--nodes', 'k3s-replica-0,k3s-replica-1', '--memory', '2048'] },
  { runbook: 'purge-dead-node', args: ['--node', 'k3s-replica-2'] },
  { runbook: 'cluster-hygiene', args: ['--report-json', '{root}/report.json'], diagnosis: true },
];

describe('Proxmox privileges of the shipped runbooks: sufficient and minimal (lab, ACLs enforced)', () => {
  for (const { runbook, args, diagnosis } of RUNBOOKS) {
    it(`${runbook}: succeeds with exactly the derived grants, fails in PVE's words without any one of them`, async () => {
      const grants = await derivedGrants(runbook);
      expect(grants.length).toBeGreaterThan(0);
      const ok = await runWith(runbook, args, grants);
      expect(ok.r.code, `${ok.r.stdout.slice(-3000)}\n${ok.r.stderr.slice(-1000)}`).toBe(diagnosis ? 7 : 0);
      expect(ok.r.stdout + ok.r.stderr).not.toMatch(/Permission check failed/);
      if (diagnosis) expect(proxmoxReadGaps(ok.root)).toBe('');

      for (const g of grants) {
        for (const privilege of g.privileges) {
          const drop = { path: g.path, privilege };
          const { r, root } = await runWith(runbook, args, grants, drop);
          const out = diagnosis ? proxmoxReadGaps(root) : r.stdout + r.stderr;
          expect(out, `without ${privilege} on ${g.path}`).toMatch(refusal(drop));
          expect(r.code, `without ${privilege} on ${g.path}`).not.toBe(0);
          // Refused before or while changing: preflight (3) or a step that failed and was rolled
          // back whole (1), never a rollback left incomplete (5) by undoing a write that never happened.
          if (!diagnosis) expect([1, 3], `without ${privilege} on ${g.path}`).toContain(r.code);
        }
      }
    }, 600_000);
  }

  it('fix-ballooning does not judge memory with a token that sees only the VMs it changes (hidden VMs would not be counted)', async () => {
    // The host has 12 GiB: three 2 GiB servers plus both workers at 4 GiB do not fit its 11 GiB budget.
    const args = ['--nodes', 'k3s-replica-0,k3s-replica-1', '--memory', '4096'];
    const grants = await derivedGrants('fix-ballooning');
    const all = await runWith('fix-ballooning', args, grants);
    expect(all.r.code, all.r.stdout).toBe(3);
    expect(all.r.stdout).toMatch(/PVE host pve: 2 VM\(s\) x 4096 MiB \+ 6144 MiB for the others = 14336 MiB, more than/);

    // The same privileges granted per VM, on the two workers only: the servers vanish from the
    // token's listing, and summing what it sees (8192 MiB) would wrongly say it fits.
    const onVms = grants.find((g) => g.path === '/vms')!;
    expect(onVms.privileges).toContain('VM.Audit');
    const perVm = [
      ...grants.map((g) => (g === onVms ? { path: '/vms', privileges: g.privileges.filter((p) => p !== 'VM.Audit') } : g)),
      { path: '/vms/111', privileges: onVms.privileges },
      { path: '/vms/112', privileges: onVms.privileges },
    ];
    const narrow = await runWith('fix-ballooning', args, perVm);
    expect(narrow.r.code, narrow.r.stdout).toBe(3);
    expect(narrow.r.stdout).toMatch(/cannot tell whether the memory fits: this token may not audit every VM \(no VM\.Audit on \/vms, propagated\)/);
    expect(narrow.r.stdout).not.toMatch(/fits \d+ MiB less/);
  }, 120_000);
});
