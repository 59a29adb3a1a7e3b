// The rows measured against labs running in this process (children talk to them over
// 127.0.0.1): the lab itself at scale:500, doctor there beside the incident's kubectl commands,
// plan purge-dead-node and fix-ballooning on the incident lab.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startLab, type Lab } from '../src/lab/lab.js';
import { available, measure } from './child.js';
import { getPodsFigures } from './get-pods.js';
import { median, ms, type Row } from './stats.js';

const INCIDENT_KUBECTL = [
  ['describe', 'nodes'],
  ['get', 'events', '-A', '--field-selector', 'type=Warning'],
  ['get', 'pods', '-A', '--field-selector=status.phase=Pending'],
  ['get', 'kustomization,helmrelease', '-A'],
];

interface Labbed {
  lab: Lab;
  dir: string;
  startMs: number;
}

async function openLab(scenario: string): Promise<Labbed> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-bench-lab-'));
  const t0 = performance.now();
  const lab = await startLab({ dir, scenario });
  return { lab, dir, startMs: performance.now() - t0 };
}

async function closeLab(l: Labbed): Promise<void> {
  await l.lab.stop();
  rmSync(l.dir, { recursive: true, force: true });
}

/** Over `ms` of doing nothing else: this process's (the lab's) CPU in % of one core, the controller runs per second, the longest event-loop stall. */
async function idle(lab: Lab, ms: number): Promise<{ cpu: number; passesPerSec: number; runsPerSec: number; maxStallMs: number }> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const before = process.cpuUsage();
  const runs = { ...lab.controllerRuns };
  await new Promise((r) => setTimeout(r, ms));
  const used = process.cpuUsage(before);
  loop.disable();
  return {
    cpu: ((used.user + used.system) / 1000 / ms) * 100,
    passesPerSec: ((lab.controllerRuns.passes - runs.passes) * 1000) / ms,
    runsPerSec: ((lab.controllerRuns.controllers - runs.controllers) * 1000) / ms,
    maxStallMs: loop.max / 1e6,
  };
}

function traffic(lab: Lab) {
  return { kube: { ...lab.kube.traffic }, proxmox: { ...lab.proxmox.traffic } };
}

export async function scaleRows(bin: string, nodes = 500, rounds = 3): Promise<Row[]> {
  const l = await openLab(`scale:${nodes}`);
  const state = mkdtempSync(join(tmpdir(), 'runbook-bench-state-'));
  try {
    const env = { KUBECONFIG: l.lab.kubeconfigPath };
    await new Promise((r) => setTimeout(r, 2000)); // past start-up's own work
    const still = await idle(l.lab, 10_000);
    const hasKubectl = await available('kubectl', ['version', '--client']);
    const doctor: { ms: number; peakMiB: number; code: number | null }[] = [];
    const kubectlAll: number[] = [];
    let counted = { kubeRequests: NaN, kubeConnections: NaN, pveRequests: NaN, pveConnections: NaN };
    const doctorArgs = [bin, '--state-dir', state, 'doctor', '-o', 'json', '--kubeconfig', l.lab.kubeconfigPath, '--proxmox-env-file', l.lab.proxmoxEnvPath];
    for (let i = 0; i < rounds; i++) {
      const before = traffic(l.lab);
      const d = await measure(process.execPath, doctorArgs);
      const after = traffic(l.lab);
      doctor.push({ ms: d.ms, peakMiB: d.peakMiB ?? NaN, code: d.code });
      counted = {
        kubeRequests: after.kube.requests - before.kube.requests,
        kubeConnections: after.kube.connections - before.kube.connections,
        pveRequests: after.proxmox.requests - before.proxmox.requests,
        pveConnections: after.proxmox.connections - before.proxmox.connections,
      };
      if (!hasKubectl) continue;
      let together = 0;
      for (const args of INCIDENT_KUBECTL) together += (await measure('kubectl', args, env)).ms;
      kubectlAll.push(together);
    }
    const pods = await getPodsFigures(l.lab, hasKubectl);
    const dMs = median(doctor.map((d) => d.ms));
    const dMiB = median(doctor.map((d) => d.peakMiB));
    const kMs = hasKubectl ? median(kubectlAll) : NaN;
    return [
      {
        what: `doctor, ${nodes} nodes / ~${nodes * 20 / 1000}k pods / ~${(nodes * 4) / 1000}k PVs`,
        goal: '< 3 s, < 300 MB, faster than the incident\'s kubectl commands together',
        measured: `${ms(dMs)}, ${Math.round(dMiB)} MiB, ratio ${(dMs / kMs).toFixed(2)} (kubectl ${ms(kMs)}); Kubernetes ${counted.kubeRequests} requests over ${counted.kubeConnections} connections, Proxmox ${counted.pveRequests} over ${counted.pveConnections}`,
        met: dMs < 3000 && dMiB < 300 && dMs < kMs,
        figures: { ms: dMs, peakMiB: dMiB, kubectlMs: kMs, ratio: dMs / kMs, exitCode: doctor[0]?.code ?? NaN, ...counted },
      },
      {
        what: `the lab at scale:${nodes}`,
        goal: 'starts < 10 s, idles < 10% CPU, `kubectl get pods -A` < 2 s',
        measured: `starts in ${(l.startMs / 1000).toFixed(1)} s, idles at ${still.cpu.toFixed(1)}% CPU (${still.runsPerSec.toFixed(1)} controller runs/s, event loop held <= ${Math.round(still.maxStallMs)} ms), ${pods.text}`,
        met: l.startMs < 10_000 && still.cpu < 10 && pods.ms < 2000,
        figures: { startMs: l.startMs, idleCpuPercent: still.cpu, idlePassesPerSec: still.passesPerSec, idleControllerRunsPerSec: still.runsPerSec, idleMaxStallMs: still.maxStallMs, ...pods.figures },
      },
    ];
  } finally {
    rmSync(state, { recursive: true, force: true });
    await closeLab(l);
  }
}

/** `exe`: the single executable, measured beside the plain CLI when it is built. */
export async function planRow(bin: string, exe: string | undefined, rounds = 7): Promise<Row> {
  const l = await openLab('incident-2025-08');
  const state = mkdtempSync(join(tmpdir(), 'runbook-bench-state-'));
  try {
    const env = { KUBECONFIG: l.lab.kubeconfigPath };
    const hasKubectl = await available('kubectl', ['version', '--client']);
    const plan: number[] = [];
    const planExe: number[] = [];
    const nodes: number[] = [];
    const args = ['--state-dir', state, 'plan', 'purge-dead-node', '--node', 'k3s-replica-2', '--kubeconfig', l.lab.kubeconfigPath, '--proxmox-env-file', l.lab.proxmoxEnvPath];
    let code: number | null = null;
    for (let i = 0; i < rounds; i++) {
      const p = await measure(process.execPath, [bin, ...args]);
      code = p.code;
      plan.push(p.ms);
      if (exe) planExe.push((await measure(exe, args)).ms);
      if (hasKubectl) nodes.push((await measure('kubectl', ['get', 'nodes'], env)).ms);
    }
    const p = median(plan);
    const k = hasKubectl ? median(nodes) : NaN;
    const e = exe ? median(planExe) : NaN;
    return {
      what: '`runbook plan purge-dead-node` vs the lab',
      goal: '<= 600 ms',
      measured: `${ms(p)}${exe ? `; executable ${ms(e)}` : ''} (kubectl get nodes: ${ms(k)})`,
      met: code === 0 && p <= 600,
      figures: { ms: p, kubectlGetNodesMs: k, exitCode: code ?? NaN, ...(exe ? { exeMs: e } : {}) },
    };
  } finally {
    rmSync(state, { recursive: true, force: true });
    await closeLab(l);
  }
}

/** One run (it changes the lab): its wall time less the simulated reboots it waits for. */
export async function fixBallooningRow(bin: string): Promise<Row> {
  const l = await openLab('incident-2025-08');
  const state = mkdtempSync(join(tmpdir(), 'runbook-bench-state-'));
  try {
    const targets = ['k3s-replica-0', 'k3s-replica-1', 'k3s-server-0', 'k3s-server-1'];
    // The lab's reboot as PVE's (src/lab/proxmox/power.ts): the guest powers off (half of
    // rebootSeconds), qmstart takes rebootSeconds, then the guest boots until its kubelet posts.
    const pve = l.lab.proxmox.state;
    const rebootMs = (pve.rebootSeconds / 2 + pve.rebootSeconds + (pve.guestBootSeconds ?? pve.rebootSeconds / 2)) * 1000;
    const args = [bin, '--state-dir', state, 'run', 'fix-ballooning', '--nodes', targets.join(','), '--memory', '2048', '--yes', '-o', 'text', '--kubeconfig', l.lab.kubeconfigPath, '--proxmox-env-file', l.lab.proxmoxEnvPath];
    const r = await measure(process.execPath, args);
    const overhead = r.ms - targets.length * rebootMs;
    return {
      what: `fix-ballooning, ${targets.length} nodes, overhead beyond the simulated reboots`,
      goal: '< 5 s',
      measured: `${(overhead / 1000).toFixed(1)} s (run ${(r.ms / 1000).toFixed(1)} s, ${targets.length} reboots of ${rebootMs / 1000} s)${r.code === 0 ? '' : `, exit ${r.code}`}`,
      met: r.code === 0 && overhead < 5000,
      figures: { overheadMs: overhead, runMs: r.ms, rebootMs, exitCode: r.code ?? NaN },
    };
  } finally {
    rmSync(state, { recursive: true, force: true });
    await closeLab(l);
  }
}
