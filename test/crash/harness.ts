// The crash matrix's harness: a fresh lab per case, the real CLI killed with SIGKILL at a
// crash point (src/cli/crash-points.ts), then `rollback` / `resume` from the journal, and the
// cluster and the Proxmox VMs compared with the pre-run and post-run states.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../src/adapters/ports.js';
import type { JournalRecord } from '../../src/engine/journal-records.js';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';
import { builtinRegistry } from '../../steps/index.js';
import type { CliResult } from '../support/cli.js';
import { runCli, startCli } from '../support/cli.js';

export interface CrashRunbook {
  name: string;
  args: string[];
  scenario?: string;
}

/** The runbooks the matrix crashes: every shipped one but cluster-hygiene (its fixes are doctor's). */
export const RUNBOOKS: CrashRunbook[] = [
  { name: 'drain-node', args: ['--node', 'k3s-replica-0'] },
  // --no-check-vm: the scenario's VM is long gone; asking Proxmox about it only adds time.
  { name: 'purge-dead-node', args: ['--node', 'k3s-replica-2', '--no-check-vm'] },
  { name: 'fix-ballooning', args: ['--nodes', 'k3s-replica-0,k3s-replica-1', '--memory', '2048'] },
  { name: 'reboot-node', args: ['--node', 'k3s-replica-1'] },
  { name: 'unstick-metallb', args: [] },
];

export type CrashPoint = { afterRecord: number } | { afterWrite: number };

export interface CaseLab {
  lab: Lab;
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  /**
   * Runs the CLI and SIGKILLs it the moment the lab's state first satisfies `when` (checked on
   * every Kubernetes and Proxmox change): the write is done, its response never read.
   */
  killWhen(args: string[], when: (lab: Lab) => boolean): Promise<CliResult>;
  /** The one run in this case's state dir. */
  runId(): string;
  journal(): JournalRecord[];
  /** Stops the lab and removes its directory and the state dir. */
  stop(): Promise<void>;
}

export async function caseLab(scenario?: string): Promise<CaseLab> {
  const root = mkdtempSync(join(tmpdir(), 'runbook-crash-'));
  const lab = await startLab({ dir: join(root, 'lab'), rebootSeconds: 0.2, ...(scenario ? { scenario } : {}) });
  lab.settle();
  const state = join(root, 'state');
  const env = { KUBECONFIG: lab.kubeconfigPath, PROXMOX_ENV_FILE: lab.proxmoxEnvPath };
  const runId = () => {
    const files = readdirSync(join(state, 'runs')).filter((f) => f.endsWith('.jsonl'));
    if (files.length !== 1) throw new Error(`expected one run, found ${files.join(', ')}`);
    return files[0]!.slice(0, -'.jsonl'.length);
  };
  return {
    lab,
    async stop() {
      await lab.stop();
      rmSync(root, { recursive: true, force: true });
    },
    cli: (args, extra = {}) => runCli(['--state-dir', state, ...args], { env: { ...env, ...extra }, timeoutMs: 90_000 }),
    async killWhen(args, when) {
      const { child, done } = startCli(['--state-dir', state, ...args], { env, timeoutMs: 90_000 });
      const check = () => {
        if (child.exitCode === null && when(lab)) child.kill('SIGKILL');
      };
      const unsubscribe = lab.kube.store.subscribe(check);
      lab.proxmox.state.on('vm-changed', check);
      try {
        return await done;
      } finally {
        unsubscribe();
        lab.proxmox.state.off('vm-changed', check);
      }
    },
    runId,
    journal: () =>
      readFileSync(join(state, 'runs', `${runId()}.jsonl`), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as JournalRecord];
          } catch {
            return [];
          }
        }),
  };
}

export function crashEnv(point: CrashPoint): Record<string, string> {
  return 'afterRecord' in point ? { RUNBOOK_TEST_CRASH_AFTER_RECORD: String(point.afterRecord) } : { RUNBOOK_TEST_CRASH_AFTER_WRITE: String(point.afterWrite) };
}

const unowned = (o: KubeObject) => !o.metadata.ownerReferences?.some((r) => r.controller);
const id = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/**
 * What a repair may change and a rollback must put back: node scheduling, volumes and claims,
 * secrets, priority classes, HelmRelease specs, pods nobody re-creates, VM memory settings.
 * Left out: what controllers own (their pods come back under new names), Events, the run lock,
 * and objects whose loss the journal marks as irreversible (`excluded`).
 */
export function snapshot(lab: Lab, excluded: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const s = lab.kube.store;
  const out: Record<string, unknown> = {};
  const put = (o: KubeObject, value: unknown) => {
    if (!excluded.has(id(o))) out[id(o)] = value;
  };
  for (const n of s.list('v1', 'Node')) put(n, { unschedulable: Boolean((n.spec as { unschedulable?: boolean } | undefined)?.unschedulable) });
  // A fresh volume gets a new generated name: volumes are compared by the claim they serve.
  for (const pv of s.list('v1', 'PersistentVolume')) {
    const claim = (pv.spec as { claimRef?: { namespace?: string; name?: string } }).claimRef;
    const key = claim ? `PersistentVolume/for/${claim.namespace}/${claim.name}` : id(pv);
    if (!excluded.has(id(pv)) && !(claim && excluded.has(`PersistentVolumeClaim/${claim.namespace}/${claim.name}`))) out[key] = [...((out[key] as string[] | undefined) ?? []), (pv.status as { phase?: string } | undefined)?.phase ?? ''].sort();
  }
  for (const pvc of s.list('v1', 'PersistentVolumeClaim')) put(pvc, { bound: Boolean((pvc.spec as { volumeName?: string }).volumeName) });
  for (const sec of s.list('v1', 'Secret')) put(sec, { type: (sec as { type?: string }).type ?? null });
  for (const pc of s.list('scheduling.k8s.io/v1', 'PriorityClass')) put(pc, { value: (pc as { value?: number }).value });
  for (const hr of s.list('helm.toolkit.fluxcd.io/v2', 'HelmRelease')) put(hr, { spec: hr.spec });
  for (const p of s.list('v1', 'Pod').filter(unowned)) put(p, { node: (p.spec as { nodeName?: string }).nodeName ?? null });
  for (const vm of lab.proxmox.state.vms()) {
    out[`vm/${vm.vmid}`] = { memory: Number(vm.config.memory), balloon: vm.config.balloon === undefined ? null : Number(vm.config.balloon), pending: Object.keys(vm.pending).sort() };
  }
  return out;
}

/**
 * Objects a rollback may leave as they are: saved (deleted or changed) by a step that is
 * irreversible by nature, or that the rollback kept (at or before a point of no return).
 */
export function irreversibleLosses(records: readonly JournalRecord[]): Set<string> {
  const registry = builtinRegistry();
  const irreversibleKeys = new Set(records.flatMap((r) => (r.t === 'step-started' && registry.get(r.uses)?.irreversible ? [r.key] : [])));
  for (const r of records) if (r.t === 'step-rolled-back' && r.kept) irreversibleKeys.add(r.key);
  const out = new Set<string>();
  for (const r of records) {
    if (r.t !== 'object-saved' || !irreversibleKeys.has(r.key) || r.saved.source !== 'kube') continue;
    const obj = r.saved.object as KubeObject;
    out.add(id(obj));
    // What goes with a deleted Node: k3s's node controller removes its node-password secret
    // (k3s pkg/node/controller.go), as the lab does.
    if (obj.kind === 'Node') out.add(`Secret/kube-system/${obj.metadata.name}.node-password.k3s`);
  }
  return out;
}

/**
 * Claims the run deleted and their StatefulSet re-created (a new uid), read before the rollback: the
 * fresh claim is bound to a fresh volume its pod may already write to, so neither the rollback
 * nor this comparison takes it back to the old volume (that one stays, Released, its copy in
 * the journal).
 */
export function replacedByController(lab: Lab, records: readonly JournalRecord[]): Set<string> {
  const out = new Set<string>();
  for (const r of records) {
    if (r.t !== 'object-saved' || r.saved.source !== 'kube') continue;
    const saved = r.saved.object as KubeObject;
    if (saved.kind !== 'PersistentVolumeClaim') continue;
    const now = lab.kube.store.get('v1', 'PersistentVolumeClaim', saved.metadata.name, saved.metadata.namespace);
    if (now && now.metadata.uid !== saved.metadata.uid) out.add(id(saved));
  }
  return out;
}

/** Polls (bounded) until the lab's state equals `want`; returns the last state seen. */
export async function settledTo(lab: Lab, want: Record<string, unknown>, excluded: ReadonlySet<string> = new Set(), ms = 15_000): Promise<Record<string, unknown>> {
  const end = Date.now() + ms;
  for (;;) {
    lab.settle();
    const now = snapshot(lab, excluded);
    if (same(now, want) || Date.now() > end) return now;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sorted = (state: Record<string, unknown>) => JSON.stringify(Object.entries(state).sort(([a], [b]) => a.localeCompare(b)));
export const same = (a: Record<string, unknown>, b: Record<string, unknown>) => sorted(a) === sorted(b);

/** Polls (bounded) until two snapshots in a row agree: the lab's controllers are done. */
export async function stable(lab: Lab, ms = 10_000): Promise<Record<string, unknown>> {
  const end = Date.now() + ms;
  let last = snapshot(lab);
  for (;;) {
    await new Promise((r) => setTimeout(r, 150));
    lab.settle();
    const now = snapshot(lab);
    if (same(now, last) || Date.now() > end) return now;
    last = now;
  }
}

/** A state less the excluded objects (a volume goes with its claim: it is keyed by it). */
export function without(state: Record<string, unknown>, excluded: ReadonlySet<string>): Record<string, unknown> {
  const gone = (k: string) => excluded.has(k) || (k.startsWith('PersistentVolume/for/') && excluded.has(`PersistentVolumeClaim/${k.slice('PersistentVolume/for/'.length)}`));
  return Object.fromEntries(Object.entries(state).filter(([k]) => !gone(k)));
}
