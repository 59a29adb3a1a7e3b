// Findings describe the cluster now: kills before a reboot, rejections a reconcile has since
// put right, restarts a reboot caused and leader changes long settled do not alarm.
import { describe, expect, it } from 'vitest';
import { apiStability } from '../../src/diagnose/checks/api-stability.js';
import { crashLoops } from '../../src/diagnose/checks/crash-loops.js';
import { nodeMemoryPressure } from '../../src/diagnose/checks/node-memory-pressure.js';
import { reservedPriorityClass } from '../../src/diagnose/checks/reserved-priority-class.js';
import { NOW, event, flux, node, options, pod, snapshot } from './fixtures.js';

const at = (msAgo: number) => new Date(NOW - msAgo).toISOString();
const dated = (e: ReturnType<typeof event>, msAgo: number) => ({ ...e, lastTimestamp: at(msAgo) });

describe('recency', () => {
  it('SystemOOM kills from before the node rebooted are history; after it they count', () => {
    const oom = dated(event({ kind: 'Node', name: 'n1', reason: 'SystemOOM', message: 'System OOM encountered, victim process: zebra, pid: 1' }), 60_000);
    const rebooted = dated(event({ kind: 'Node', name: 'n1', reason: 'Rebooted', message: 'Node n1 has been rebooted, boot id: x' }), 30_000);
    expect(nodeMemoryPressure({ snap: snapshot({ nodes: [node('n1')], events: [oom, rebooted] }), opts: options() })).toEqual([]);
    const again = dated(oom, 10_000);
    expect(nodeMemoryPressure({ snap: snapshot({ nodes: [node('n1')], events: [again, rebooted] }), opts: options() })).toHaveLength(1);
  });

  it('a PriorityClass rejection is history once its Kustomization has been Ready since', () => {
    const rejected = dated(event({ kind: 'Kustomization', name: 'infra', ns: 'flux-system', reason: 'ReconciliationFailed', message: 'PriorityClass/system-infrastructure dry-run failed (Invalid): ...' }), 60_000);
    const ks = flux('Kustomization', 'flux-system', 'infra', { status: 'True', reason: 'ReconciliationSucceeded' });
    (ks.status as { conditions: { lastTransitionTime?: string }[] }).conditions[0]!.lastTransitionTime = at(1000);
    expect(reservedPriorityClass({ snap: snapshot({ events: [rejected], kustomizations: [ks] }), opts: options() })).toEqual([]);
    (ks.status as { conditions: { lastTransitionTime?: string }[] }).conditions[0]!.lastTransitionTime = at(120_000);
    expect(reservedPriorityClass({ snap: snapshot({ events: [rejected], kustomizations: [ks] }), opts: options() })).toHaveLength(1);
  });

  it('restarts left by a node reboot (Unknown, exit 255) or long ago are not a loop; a crash loop is', () => {
    const status = (last: object) => [{ name: 'main', restartCount: 40, lastState: { terminated: last } }];
    const pods = [
      pod('rebooted', { node: 'n1', statuses: status({ reason: 'Unknown', exitCode: 255, finishedAt: at(1000) }) }),
      pod('old', { node: 'n1', statuses: status({ reason: 'Error', exitCode: 1, finishedAt: at(3_600_000) }) }),
      pod('looping', { node: 'n1', statuses: status({ reason: 'Error', exitCode: 1, finishedAt: at(60_000) }) }),
    ];
    expect(crashLoops({ snap: snapshot({ pods }), opts: options() }).map((f) => f.id)).toEqual(['restart-loop:default/looping/main']);
  });

  it('leader changes older than 15 minutes with a ready API are info, recent ones a warning', () => {
    const leader = (msAgo: number) => dated(event({ kind: 'Lease', name: 'k3s', ns: 'kube-system', reason: 'LeaderElection', message: 'etcdserver: leader changed' }), msAgo);
    expect(apiStability({ snap: snapshot({ events: [leader(40 * 60_000)] }), opts: options() })[0]).toMatchObject({ severity: 'info', title: expect.stringContaining('none in the last 15 minutes') });
    expect(apiStability({ snap: snapshot({ events: [leader(60_000)] }), opts: options() })[0]?.severity).toBe('warning');
  });
});
