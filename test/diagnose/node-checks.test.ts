// Dead nodes and what is bound to them, stuck finalizers, node memory (SystemOOM, commitment),
// OOM kills and restart loops, unlimited system containers, Pending pods and their reasons.
import { describe, expect, it } from 'vitest';
import { crashLoops } from '../../src/diagnose/checks/crash-loops.js';
import { deadNodes } from '../../src/diagnose/checks/dead-nodes.js';
import { noMemoryLimit } from '../../src/diagnose/checks/no-memory-limit.js';
import { nodeCommitment } from '../../src/diagnose/checks/node-commitment.js';
import { nodeMemoryPressure } from '../../src/diagnose/checks/node-memory-pressure.js';
import { pendingPods, schedulingReasons } from '../../src/diagnose/checks/pending-pods.js';
import { stuckTerminating } from '../../src/diagnose/checks/stuck-terminating.js';
import { event, HOUR, localPv, MIN, node, options, pod, proxmox, pvc, snapshot } from './fixtures.js';

const claim = { ns: 'monitoring', name: 'prometheus-db-0' };

describe('node.dead', () => {
  const base = () => ({
    nodes: [node('ok'), node('gone', { ready: 'Unknown' as const, sinceMs: 10 * MIN, heartbeatMs: 36 * HOUR })],
    pods: [pod('speaker-x', { ns: 'metallb-system', node: 'gone' }), pod('done', { node: 'gone', phase: 'Succeeded' }), pod('elsewhere', { node: 'ok' })],
    pvs: [localPv('pv-1', 'gone', claim, { deletedMsAgo: HOUR })],
    pvcs: [pvc(claim.ns, claim.name, 'pv-1')],
  });

  it('reports a node NotReady past the threshold whose VM is gone, with its pods, claims and volumes', () => {
    const snap = snapshot({ ...base(), proxmox: proxmox([{ node: 'pve', vmid: 1, name: 'ok', status: 'running', memory: 2048 }], 8192, { gone: 7 }) });
    const [f, ...rest] = deadNodes({ snap, opts: options() });
    expect(rest).toEqual([]);
    expect(f!.id).toBe('dead-node:gone');
    expect(f!.severity).toBe('critical');
    expect(f!.title).toContain('VM gone');
    expect(f!.objects).toEqual(['node/gone', 'qemu/7', 'pod/metallb-system/speaker-x', 'pvc/monitoring/prometheus-db-0', 'pv/pv-1']);
    // The silent kubelet's last heartbeat dates the death, not the controller's later flip.
    expect(f!.evidence[0]).toBe('Ready=Unknown (NodeStatusUnknown) for 36h (threshold 5m)');
    expect(f!.evidence).toContain("its VM 7 does not exist any more (Configuration file 'nodes/pve/qemu-server/7.conf' does not exist)");
    expect(f!.evidence).toContain('pv pv-1 pinned to gone (Terminating, finalizers kubernetes.io/pv-protection)');
    expect(f!.fix).toEqual({ runbook: 'purge-dead-node', params: { node: 'gone' } });
  });

  // The listing leaves out VMs the token may not audit: purge-dead-node's preflight refuses on
  // "not listed" alone, and the diagnosis no longer calls such a VM gone either.
  it('a VM that is only missing from the listing is no proof: a warning saying what would prove it', () => {
    const snap = snapshot({ ...base(), proxmox: proxmox([{ node: 'pve', vmid: 1, name: 'ok', status: 'running', memory: 2048 }]) });
    const [f] = deadNodes({ snap, opts: options() });
    expect(f!.severity).toBe('warning');
    expect(f!.title).not.toContain('VM gone');
    expect(f!.evidence).toContain('no Proxmox VM named gone is listed: not proof it is gone (map the node in an inventory, or confirm with --vm-gone)');
  });

  it('proposes a reboot, not a purge, when the VM still runs; a warning when Proxmox is not known', () => {
    const running = snapshot({ ...base(), proxmox: proxmox([{ node: 'pve', vmid: 9, name: 'gone', status: 'running', memory: 2048 }]) });
    expect(deadNodes({ snap: running, opts: options() }).map((f) => [f.id, f.fix?.runbook])).toEqual([['not-ready:gone', 'reboot-node']]);
    const stopped = snapshot({ ...base(), proxmox: proxmox([{ node: 'pve', vmid: 9, name: 'gone', status: 'stopped', memory: 2048 }]) });
    expect(deadNodes({ snap: stopped, opts: options() }).map((f) => [f.id, f.severity])).toEqual([['dead-node:gone', 'critical']]);
    expect(deadNodes({ snap: snapshot(base()), opts: options() }).map((f) => [f.id, f.severity])).toEqual([['dead-node:gone', 'warning']]);
  });

  it('leaves a node alone that is NotReady for less than the threshold', () => {
    const snap = snapshot({ nodes: [node('blip', { ready: 'False', sinceMs: 2 * MIN })] });
    expect(deadNodes({ snap, opts: options() })).toEqual([]);
    expect(deadNodes({ snap, opts: options({ notReadyThresholdMs: MIN }) }).map((f) => f.id)).toEqual(['dead-node:blip']);
  });
});

describe('object.stuck-terminating', () => {
  it('reports objects deleted minutes ago still held by finalizers, not a deletion in progress', () => {
    const snap = snapshot({
      nodes: [node('gone', { ready: 'Unknown' })],
      pvs: [localPv('pv-old', 'gone', claim, { deletedMsAgo: 10 * MIN }), localPv('pv-new', 'gone', claim, { deletedMsAgo: 30_000 })],
      pods: [pod('no-finalizer', { deletedMsAgo: HOUR })],
    });
    const found = stuckTerminating({ snap, opts: options() });
    expect(found.map((f) => f.id)).toEqual(['terminating:pv/pv-old']);
    expect(found[0]!.evidence).toContain('bound to node gone (not Ready or gone)');
    expect(found[0]!.fix).toEqual({ runbook: 'purge-dead-node', params: { node: 'gone' } });
  });
});

describe('node memory', () => {
  const pods = [pod('a', { node: 'n', containers: [{ name: 'c', request: '300Mi', limit: '600Mi' }] })];

  it('node.memory-pressure: SystemOOM events with their victims, and the commitment as kubectl shows it', () => {
    const snap = snapshot({
      nodes: [node('n', { capacity: '516Mi', allocatable: '416Mi' }), node('calm')],
      pods,
      events: [
        event({ kind: 'Node', name: 'n', reason: 'SystemOOM', message: 'System OOM encountered, victim process: zebra, pid: 1', count: 2 }),
        event({ kind: 'Node', name: 'n', reason: 'SystemOOM', message: 'System OOM encountered, victim process: bgpd, pid: 2' }),
      ],
    });
    const found = nodeMemoryPressure({ snap, opts: options() });
    expect(found.map((f) => f.id)).toEqual(['node-memory:n']);
    expect(found[0]!.evidence).toEqual(['SystemOOM x3, victims: zebra, bgpd', 'capacity 516Mi, allocatable 416Mi', 'memory requests 300Mi (72%), limits 600Mi (144%) over 1 pods']);
  });

  it('node.memory-commitment: requests over allocatable critical, limits over allocatable a warning, under both nothing', () => {
    const snap = snapshot({
      nodes: [node('n', { allocatable: '416Mi' }), node('roomy', { allocatable: '1948Mi' }), node('tight', { allocatable: '256Mi' })],
      pods: [...pods, pod('b', { node: 'roomy' }), pod('c', { node: 'tight', containers: [{ name: 'c', request: '300Mi', limit: '300Mi' }] })],
    });
    expect(nodeCommitment({ snap, opts: options() }).map((f) => [f.id, f.severity])).toEqual([
      ['memory-commitment:n', 'warning'],
      ['memory-commitment:tight', 'critical'],
    ]);
  });
});

describe('crash loops and limits', () => {
  const oom = { name: 'frr', restartCount: 40, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } }, state: { waiting: { reason: 'CrashLoopBackOff' } } };
  const restarts = { name: 'frr', restartCount: 37, state: { running: {} } };
  const fine = { name: 'speaker', restartCount: 0, state: { running: {} } };
  const speaker = (name: string, nodeName: string, statuses: unknown[]) =>
    pod(name, { ns: 'metallb-system', node: nodeName, owner: { kind: 'DaemonSet', name: 'speaker' }, containers: [{ name: 'speaker' }, { name: 'frr' }], statuses });

  it('groups OOM kills per workload and container; restarts without OOM are a restart loop', () => {
    const snap = snapshot({
      pods: [speaker('speaker-a', 'n1', [fine, oom]), speaker('speaker-b', 'n2', [fine, restarts]), pod('web', { node: 'n1', statuses: [{ name: 'main', restartCount: 6 }] })],
    });
    const found = crashLoops({ snap, opts: options() });
    expect(found.map((f) => [f.id, f.severity])).toEqual([
      ['oom-killed:metallb-system/speaker/frr', 'critical'],
      ['restart-loop:default/web/main', 'warning'],
    ]);
    expect(found[0]!.objects).toEqual(['pod/metallb-system/speaker-a', 'pod/metallb-system/speaker-b']);
    expect(found[0]!.evidence[0]).toBe('speaker-a on n1, restarts 40, last OOMKilled (exit 137), CrashLoopBackOff, no memory limit');
  });

  it('no-memory-limit: only system namespaces; critical when OOM-killed, warning on a SystemOOM node, info otherwise', () => {
    const snap = snapshot({
      pods: [
        speaker('speaker-a', 'n1', [fine, oom]),
        pod('provisioner', { ns: 'kube-system', node: 'n2', containers: [{ name: 'p' }] }),
        pod('app', { ns: 'default', node: 'n1', containers: [{ name: 'a' }] }),
        pod('limited', { ns: 'kube-system', node: 'n1' }),
      ],
      events: [event({ kind: 'Node', name: 'n1', reason: 'SystemOOM', message: 'System OOM encountered, victim process: zebra, pid: 1' })],
    });
    expect(noMemoryLimit({ snap, opts: options() }).map((f) => [f.id, f.severity])).toEqual([
      ['no-memory-limit:metallb-system/speaker/speaker', 'warning'],
      ['no-memory-limit:metallb-system/speaker/frr', 'critical'],
      ['no-memory-limit:kube-system/provisioner/p', 'info'],
    ]);
    expect(noMemoryLimit({ snap, opts: options({ systemNamespaces: ['default'] }) }).map((f) => f.id)).toEqual(['no-memory-limit:default/app/a']);
  });
});

describe('pod.pending', () => {
  const message = "0/6 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) were unschedulable, 2 Insufficient memory, 2 node(s) had volume node affinity conflict. preemption: 0/6 nodes are available: 2 No preemption victims found for incoming pod, 4 Preemption is not helpful for scheduling.";

  it('splits the scheduler message into its reasons', () => {
    expect(schedulingReasons(message)).toEqual(['1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }', '1 node(s) were unschedulable', '2 Insufficient memory', '2 node(s) had volume node affinity conflict']);
  });

  it('reports the reason from the latest FailedScheduling event and where the claims are pinned', () => {
    const snap = snapshot({
      nodes: [node('gone', { ready: 'Unknown' })],
      pods: [
        pod('prometheus-0', { ns: 'monitoring', phase: 'Pending', claims: [claim.name], conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'stale' }] }),
        pod('pulling', { ns: 'monitoring', phase: 'Pending', node: 'x' }),
      ],
      pvs: [localPv('pv-1', 'gone', claim)],
      pvcs: [pvc(claim.ns, claim.name, 'pv-1')],
      events: [event({ kind: 'Pod', name: 'prometheus-0', ns: 'monitoring', reason: 'FailedScheduling', message })],
    });
    const found = pendingPods({ snap, opts: options() });
    expect(found.map((f) => f.id)).toEqual(['pending:monitoring/prometheus-0']);
    expect(found[0]!.title).toBe('monitoring/prometheus-0 Pending: its volume is pinned to gone');
    expect(found[0]!.evidence).toContain('2 Insufficient memory');
    expect(found[0]!.evidence).toContain('pvc monitoring/prometheus-db-0 pinned to node gone (not Ready)');
    expect(found[0]!.fix).toEqual({ runbook: 'purge-dead-node', params: { node: 'gone', pvc: ['prometheus-db-0'] } });
  });
});
