// The crashes issue 11 reported, each as the test that found it: the step that was running when
// the process died is rolled back from its checkpoints (item 1), everything a step deletes is
// journaled before the first delete (item 2), and a resume takes over its own run's lease and,
// when refused, leaves the run's status alone (item 5). Real CLI processes, killed with SIGKILL.
import { describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../../src/adapters/ports.js';
import type { Lab } from '../../src/lab/lab.js';
import type { CaseLab } from './harness.js';
import { caseLab, crashEnv, settledTo, snapshot } from './harness.js';

// Real processes on a shared two-core machine: generous, and never a timing assertion.
vi.setConfig({ testTimeout: 90_000 });

// --no-check-vm: the VM is long gone in the scenario, and asking Proxmox about it is slow.
const PURGE = ['run', 'purge-dead-node', '--node', 'k3s-replica-2', '--no-check-vm', '--yes'];
const FIX = ['run', 'fix-ballooning', '--nodes', 'k3s-replica-0,k3s-replica-1', '--memory', '2048', '--yes'];
// One step at a time: priority-class and values (and later limits-in-git and limits-in-cluster)
// are independent, so with the default concurrency the read-only sibling may or may not have
// started when the kill lands (CI saw both); these cases are about the one step that was writing.
const METALLB = ['run', 'unstick-metallb', '--yes', '--concurrency', '1'];

async function withLab(test: (c: CaseLab) => Promise<void>): Promise<void> {
  const c = await caseLab();
  try {
    await test(c);
  } finally {
    await c.stop();
  }
}

const unschedulable = (lab: Lab, node: string) => Boolean((lab.kube.store.get('v1', 'Node', node)?.spec as { unschedulable?: boolean } | undefined)?.unschedulable);
const memoryOf = (lab: Lab, vmid: number) => {
  const vm = lab.proxmox.state.vm(vmid)!;
  return { memory: Number(vm.config.memory), balloon: vm.config.balloon === undefined ? undefined : Number(vm.config.balloon), pending: Object.keys(vm.pending) };
};
const openStep = (c: CaseLab) => {
  const open = new Set<string>();
  for (const r of c.journal()) {
    if (r.t === 'step-started') open.add(r.key);
    if (r.t === 'step-applied' || r.t === 'step-failed' || r.t === 'step-succeeded') open.delete(r.key);
  }
  return [...open];
};

/** Kills the run when `when` first holds, rolls it back, and expects the pre-run state, exit 0. */
async function killedThenRolledBack(c: CaseLab, args: string[], when: (lab: Lab) => boolean, step: RegExp): Promise<void> {
  const pre = snapshot(c.lab);
  const run = await c.killWhen(args, when);
  expect(run.signal).toBe('SIGKILL');
  expect(openStep(c)).toEqual([expect.stringMatching(step)]);
  const back = await c.cli(['rollback', c.runId(), '--yes']);
  expect(back.code, back.stdout + back.stderr).toBe(0);
  expect(await settledTo(c.lab, pre)).toEqual(pre);
}

describe('crash recovery of the running step (issue 11 item 1)', () => {
  it('purge-dead-node killed after its volumes step\'s first checkpoint: rollback re-creates the claims and volumes', () =>
    withLab(async (c) => {
      const pre = snapshot(c.lab);
      const reference = await caseLab();
      let at: number;
      try {
        // How the rest of this run ends does not matter here: only where the checkpoint is.
        await reference.cli(PURGE);
        at = reference.journal().findIndex((x) => x.t === 'step-checkpoint' && x.key === 'volumes') + 1;
      } finally {
        await reference.stop();
      }
      expect(at).toBeGreaterThan(0);
      const run = await c.cli(PURGE, crashEnv({ afterRecord: at }));
      expect(run.signal).toBe('SIGKILL');
      const back = await c.cli(['rollback', c.runId(), '--yes']);
      expect(back.code, back.stdout + back.stderr).toBe(0);
      expect(back.stdout).toMatch(/rolled back volumes/);
      expect(await settledTo(c.lab, pre)).toEqual(pre);
      // `show` flags the step the process died in.
      const show = await c.cli(['show', c.runId()]);
      expect(show.stdout).toMatch(/volumes: OPEN: the process ended inside this step; rollback undoes/);
    }));

  it('fix-ballooning killed right after the Proxmox config write: rollback puts memory and balloon back, nothing pending', () =>
    withLab(async (c) => {
      await killedThenRolledBack(c, FIX, (lab) => Object.keys(lab.proxmox.state.vm(111)!.pending).length > 0, /set-memory/);
      expect(memoryOf(c.lab, 111)).toEqual({ memory: 4096, balloon: 516, pending: [] });
    }));

  it('fix-ballooning killed right after the cordon: rollback makes the node schedulable again', () =>
    withLab(async (c) => {
      await killedThenRolledBack(c, FIX, (lab) => unschedulable(lab, 'k3s-replica-0'), /drain/);
      expect(unschedulable(c.lab, 'k3s-replica-0')).toBe(false);
    }));

  it('unstick-metallb killed right after the PriorityClass create: rollback deletes it', () =>
    withLab(async (c) => {
      await killedThenRolledBack(c, METALLB, (lab) => Boolean(lab.kube.store.get('scheduling.k8s.io/v1', 'PriorityClass', 'infrastructure-priority')), /priority-class/);
      expect(c.lab.kube.store.get('scheduling.k8s.io/v1', 'PriorityClass', 'infrastructure-priority')).toBeUndefined();
    }));

  it('unstick-metallb killed right after the HelmRelease patch: rollback restores its values', () =>
    withLab(async (c) => {
      const values = () => JSON.stringify((c.lab.kube.store.get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'metallb', 'metallb-system')?.spec as { values?: unknown }).values);
      const before = values();
      await killedThenRolledBack(c, METALLB, () => values() !== before, /limits-in-cluster/);
      expect(values()).toBe(before);
    }));
});

describe('a step killed after saving a copy may have acted (issue 11 item 1)', () => {
  it('purge-dead-node killed right after the Node\'s DELETE: rollback keeps the purge (point of no return), no volume pinned to the gone node comes back', () =>
    withLab(async (c) => {
      const gone = (lab: Lab) => {
        const node = lab.kube.store.get('v1', 'Node', 'k3s-replica-2');
        return !node || Boolean(node.metadata.deletionTimestamp);
      };
      const run = await c.killWhen(PURGE, gone);
      expect(run.signal).toBe('SIGKILL');
      expect(openStep(c)).toEqual(['node']);
      const back = await c.cli(['rollback', c.runId(), '--yes']);
      expect(back.code, back.stdout + back.stderr).toBe(0);
      expect(back.stdout).toMatch(/^kept node/m);
      c.lab.settle();
      const pinned = c.lab.kube.store.list('v1', 'PersistentVolume').filter((pv) => JSON.stringify(pv.spec).includes('k3s-replica-2'));
      expect(pinned.map((pv) => pv.metadata.name)).toEqual([]);
    }));
});

describe('every object a step deletes is journaled before the first delete (issue 11 item 2)', () => {
  // The claims and volumes pinned to the dead node, and how many of them the run has deleted
  // (gone, or newly Terminating): one of the volumes was Terminating before the run.
  const doomed = (lab: Lab) => {
    const pvs = lab.kube.store.list('v1', 'PersistentVolume').filter((pv) => JSON.stringify(pv.spec).includes('k3s-replica-2'));
    const claims = new Set(pvs.map((pv) => JSON.stringify((pv.spec as { claimRef?: { name?: string } }).claimRef?.name)));
    return [...pvs, ...lab.kube.store.list('v1', 'PersistentVolumeClaim').filter((c) => claims.has(JSON.stringify(c.metadata.name)))];
  };
  const refOf = (o: KubeObject) => `v1/${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

  for (const n of [1, 2, 3, 4]) {
    it(`purge-dead-node killed right after its delete number ${n} inside volumes: whatever vanished was saved, and rollback finishes`, () =>
      withLab(async (c) => {
        const before = new Map(doomed(c.lab).map((o) => [refOf(o), Boolean(o.metadata.deletionTimestamp)]));
        const deleted = (lab: Lab) => {
          const now = new Map(doomed(lab).map((o) => [refOf(o), Boolean(o.metadata.deletionTimestamp)]));
          return [...before].filter(([ref, terminating]) => !now.has(ref) || (now.get(ref) && !terminating)).length;
        };
        const run = await c.killWhen(PURGE, (lab) => deleted(lab) >= n);
        expect(run.signal).toBe('SIGKILL');
        expect(openStep(c)).toEqual(['volumes']);
        c.lab.settle();
        const now = new Set(doomed(c.lab).map(refOf));
        const saved = new Set(c.journal().flatMap((r) => (r.t === 'object-saved' ? [r.saved.ref] : [])));
        expect([...before.keys()].filter((r) => !now.has(r) && !saved.has(r))).toEqual([]);
        // The claims come back unless their StatefulSet re-created them meanwhile (then the old
        // volumes are left as they are, their copies in the journal): never lost, never failed.
        const back = await c.cli(['rollback', c.runId(), '--yes']);
        expect(back.code, back.stdout + back.stderr).toBe(0);
        expect(back.stdout).toMatch(/rolled back volumes/);
      }));
  }
});

/** Another run, alive, holds the cluster's run lock. */
function foreignLock(lab: Lab): void {
  const now = new Date().toISOString().replace(/Z$/, '000Z');
  lab.kube.store.mutate('coordination.k8s.io/v1', 'Lease', 'runbook-run-lock', 'kube-system', (o) => {
    o.spec = { holderIdentity: 'reboot-node/20261204-000000Z-othr@elsewhere:1', leaseDurationSeconds: 600, acquireTime: now, renewTime: now };
  });
}

describe('rollback and restore write through the guarded path (issue 12)', () => {
  it('rollback waits for the run lock (another run holds it: exit 3, nothing undone), then undoes with Events', () =>
    withLab(async (c) => {
      const run = await c.killWhen(['run', 'drain-node', '--node', 'k3s-replica-0', '--yes'], (lab) => unschedulable(lab, 'k3s-replica-0'));
      expect(run.signal).toBe('SIGKILL');
      foreignLock(c.lab);
      const refused = await c.cli(['rollback', c.runId(), '--yes']);
      expect(refused.code).toBe(3);
      expect(refused.stderr + refused.stdout).toMatch(/another run holds this cluster's run lock: reboot-node\//);
      expect(unschedulable(c.lab, 'k3s-replica-0')).toBe(true);
      c.lab.kube.store.delete('coordination.k8s.io/v1', 'Lease', 'runbook-run-lock', 'kube-system');
      // The run's cordon was one such Event already: the uncordon is one more.
      const patched = () => c.lab.kube.store.list('v1', 'Event').filter((e) => (e as { message?: string }).message === `runbook drain-node (run ${c.runId()}) patched node/k3s-replica-0`).reduce((n, e) => n + ((e as { count?: number }).count ?? 1), 0);
      const before = patched();
      const back = await c.cli(['rollback', c.runId(), '--yes']);
      expect(back.code, back.stdout + back.stderr).toBe(0);
      expect(unschedulable(c.lab, 'k3s-replica-0')).toBe(false);
      expect(patched()).toBe(before + 1);
    }));

  it('restore is refused while another run holds the lock, and records an Event per object it re-creates', () =>
    withLab(async (c) => {
      const run = await c.cli(PURGE);
      expect(run.code, run.stdout.slice(-400)).toBe(0);
      foreignLock(c.lab);
      const refused = await c.cli(['restore', c.runId(), '--object', 'node/*']);
      expect(refused.code).toBe(3);
      expect(c.lab.kube.store.get('v1', 'Node', 'k3s-replica-2')).toBeUndefined();
      c.lab.kube.store.delete('coordination.k8s.io/v1', 'Lease', 'runbook-run-lock', 'kube-system');
      const restored = await c.cli(['restore', c.runId(), '--object', 'node/*']);
      expect(restored.code, restored.stdout + restored.stderr).toBe(0);
      const events = c.lab.kube.store.list('v1', 'Event').map((e) => String((e as { message?: string }).message));
      expect(events).toContain(`runbook purge-dead-node (run ${c.runId()}) created node/k3s-replica-2`);
    }));
});

describe('a resume after a kill inside volumes (found by the crash matrix)', () => {
  it('purge-dead-node killed after its claims\' deletes, resumed: the claims their StatefulSets re-created meanwhile are left alone', () =>
    withLab(async (c) => {
      const claims = (lab: Lab) => lab.kube.store.list('v1', 'PersistentVolumeClaim').filter((x) => x.metadata.namespace === 'monitoring');
      const uids = new Set(claims(c.lab).map((x) => x.metadata.uid));
      expect(uids.size).toBe(2);
      const run = await c.killWhen(PURGE, (lab) => claims(lab).every((x) => !uids.has(x.metadata.uid) || x.metadata.deletionTimestamp));
      expect(run.signal).toBe('SIGKILL');
      c.lab.settle();
      const fresh = claims(c.lab).filter((x) => !uids.has(x.metadata.uid) && !x.metadata.deletionTimestamp);
      expect(fresh.length).toBeGreaterThan(0);
      const resumed = await c.cli(['resume', c.runId(), '--yes']);
      expect(resumed.code, resumed.stdout.slice(-600)).toBe(0);
      c.lab.settle();
      const after = new Set(claims(c.lab).map((x) => x.metadata.uid));
      expect(fresh.filter((x) => !after.has(x.metadata.uid)).map((x) => x.metadata.name)).toEqual([]);
    }));
});

describe('a resume and its own lease (issue 11 item 5)', () => {
  it('a resume right after a kill takes over the dead process\'s lease of the same run and finishes', () =>
    withLab(async (c) => {
      const run = await c.killWhen(['run', 'drain-node', '--node', 'k3s-replica-0', '--yes'], (lab) => unschedulable(lab, 'k3s-replica-0'));
      expect(run.signal).toBe('SIGKILL');
      const lease = c.lab.kube.store.get('coordination.k8s.io/v1', 'Lease', 'runbook-run-lock', 'kube-system');
      expect((lease?.spec as { holderIdentity?: string }).holderIdentity).toMatch(new RegExp(`^drain-node/${c.runId()}@`));
      const resumed = await c.cli(['resume', c.runId(), '--yes']);
      expect(resumed.code, resumed.stdout.slice(-600)).toBe(0);
      expect(resumed.stdout).toMatch(/succeeded/);
    }));

  it('a resume refused by another run\'s lock changes nothing and leaves the run\'s status as it was', () =>
    withLab(async (c) => {
      const run = await c.killWhen(['run', 'drain-node', '--node', 'k3s-replica-0', '--yes'], (lab) => unschedulable(lab, 'k3s-replica-0'));
      expect(run.signal).toBe('SIGKILL');
      foreignLock(c.lab);
      const refused = await c.cli(['resume', c.runId(), '--yes']);
      expect(refused.code).toBe(3);
      expect(refused.stdout).toMatch(/another run holds this cluster's run lock: reboot-node\//);
      const history = JSON.parse((await c.cli(['history', '--output', 'json'])).stdout) as { runId: string; status: string }[];
      expect(history.find((h) => h.runId === c.runId())?.status).toBe('interrupted');
      expect(unschedulable(c.lab, 'k3s-replica-0')).toBe(true);
    }));
});
