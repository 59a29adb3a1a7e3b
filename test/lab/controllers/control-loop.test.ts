// When the lab's controllers run (control-loop.ts): on changes and when a time-driven decision
// falls due, never merely because a tick went by. Simulated time (the harness clock, fake
// timers for the ticker); every assertion is a count or a state, none a duration.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startControllers, type RunningControllers } from '../../../src/lab/kubelet/control-loop.js';
import { POSTS_PER_RUN } from '../../../src/lab/kubelet/node-status.js';
import type { ControllerContext } from '../../../src/lab/kubelet/types.js';
import { condition, harness, node, pod, type Harness } from './harness.js';

/** The harness, its store's pod lists counted (each is a walk over every pod). */
function counted(h: Harness): { ctx: ControllerContext; podLists: { n: number } } {
  const podLists = { n: 0 };
  const store = h.ctx.store;
  const ctx: ControllerContext = {
    ...h.ctx,
    store: { ...store, get: store.get.bind(store), create: store.create.bind(store), mutate: store.mutate.bind(store), delete: store.delete.bind(store), finalizeNamespace: store.finalizeNamespace.bind(store), subscribe: store.subscribe.bind(store), recordEvent: store.recordEvent.bind(store), list: (apiVersion, kind, opts) => {
      if (kind === 'Pod') podLists.n++;
      return store.list(apiVersion, kind, opts);
    } },
  };
  return { ctx, podLists };
}

/** Simulated seconds, one tick (the ticker's second) at a time. */
function pass(h: Harness, seconds: number): void {
  for (let i = 0; i < seconds; i++) {
    h.advance(1);
    vi.advanceTimersByTime(1000);
  }
}

const heartbeat = (h: Harness, name: string) => Date.parse(String(condition(h.store.get('v1', 'Node', name), 'Ready')?.lastHeartbeatTime));

describe('the lab control loop', () => {
  let loop: RunningControllers | undefined;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  });
  afterEach(() => {
    loop?.stop();
    loop = undefined;
    vi.useRealTimers();
  });

  it('idles without walking the pods: a minute of heartbeats (every 10 s) lists no pod, yet every node keeps posting', () => {
    const h = harness();
    for (let i = 0; i < 3; i++) {
      h.proxmox.add(100 + i, 4096);
      h.store.create(node(`n${i}`, 100 + i));
      h.store.create(pod(`p${i}`, [{ name: 'app', requests: { memory: '100Mi' } }], { nodeName: `n${i}` }));
    }
    const { ctx, podLists } = counted(h);
    loop = startControllers(ctx);
    loop.syncNow();
    const start = h.clock.now;
    podLists.n = 0;
    pass(h, 60);
    expect(podLists.n).toBe(0);
    for (let i = 0; i < 3; i++) expect(heartbeat(h, `n${i}`)).toBeGreaterThanOrEqual(start + 50_000);
    // ...and a change is still seen by every controller: a new pod is scheduled and started.
    h.store.create(pod('late', [{ name: 'app', requests: { memory: '100Mi' } }]));
    vi.advanceTimersByTime(0);
    expect(podLists.n).toBeGreaterThan(0);
    expect((h.store.get('v1', 'Pod', 'late', 'default')!.status as { phase: string }).phase).toBe('Running');
  });

  it('keeps the time-driven parts on time with nothing else changing: a stopped VM\'s node goes Unknown at the grace period, a crash loop restarts after its back-off', () => {
    const h = harness({ grace: 40, crashLoop: 10 });
    h.proxmox.add(101, 4096);
    h.proxmox.add(102, 4096);
    h.store.create(node('dies', 101));
    h.store.create(node('oom', 102));
    h.store.create(pod('hog', [{ name: 'app', limits: { memory: '100Mi' }, usage: '200Mi' }], { nodeName: 'oom' }));
    loop = startControllers(h.ctx);
    loop.syncNow();
    h.proxmox.set(101, { status: 'stopped' });
    vi.advanceTimersByTime(0);
    const restarts = () => ((h.store.get('v1', 'Pod', 'hog', 'default')!.status as { containerStatuses: { restartCount: number }[] }).containerStatuses[0]!.restartCount);
    const first = restarts();
    pass(h, 35);
    expect(condition(h.store.get('v1', 'Node', 'dies'), 'Ready')?.status).toBe('True');
    expect(restarts()).toBeGreaterThanOrEqual(first + 3); // one kill per 10 s back-off
    pass(h, 10);
    expect(condition(h.store.get('v1', 'Node', 'dies'), 'Ready')?.status).toBe('Unknown');
  });

  it(`posts a round of heartbeats in runs of at most ${POSTS_PER_RUN} nodes, so the API server answers in between; all post on the same tick`, () => {
    const h = harness();
    const nodes = 3 * POSTS_PER_RUN + 7;
    for (let i = 0; i < nodes; i++) {
      h.proxmox.add(1000 + i, 4096);
      h.store.create(node(`n${i}`, 1000 + i));
    }
    loop = startControllers(h.ctx);
    loop.syncNow();
    const round = h.clock.now;
    const perPass = new Map<number, number>();
    h.store.subscribe((e) => {
      if (e.object.kind === 'Node') perPass.set(loop!.runs.passes, (perPass.get(loop!.runs.passes) ?? 0) + 1);
    });
    pass(h, 10);
    vi.advanceTimersByTime(50); // the next runs follow at once (a timer of 0 ms), the clock still on the tick
    expect(Math.max(...perPass.values())).toBeLessThanOrEqual(POSTS_PER_RUN);
    expect([...perPass.values()].reduce((a, b) => a + b, 0)).toBe(nodes);
    for (let i = 0; i < nodes; i++) expect(heartbeat(h, `n${i}`)).toBe(round + 10_000);
  });
});
