// What doctor keeps of the cluster: each listed object projected to the fields the checks read
// (src/diagnose/resources.ts), identical parts shared and frozen. Projected, the diagnosis finds
// exactly what it finds in the whole objects (incident and scale labs, the lab clock held so
// nothing moves between the two reads); the pods keep no field outside their mask although the
// server sent many; and `runbook doctor` does all this without loading the Kubernetes client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createListReader } from '../../src/adapters/kube/plain-reader.js';
import type { FieldMask, KubeObject, KubeReader, ProxmoxReader } from '../../src/adapters/ports.js';
import { ProxmoxApiClient, readOnly } from '../../src/adapters/proxmox/client.js';
import { resolveProxmoxTarget } from '../../src/adapters/proxmox/config.js';
import { loadInventory, withInventory } from '../../src/adapters/proxmox/inventory.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { RESOURCES } from '../../src/diagnose/resources.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { runCli } from '../support/cli.js';

interface Opened {
  lab: Lab;
  dir: string;
  now: number;
  kube: KubeReader;
  proxmox: ProxmoxReader;
}

async function open(scenario: string): Promise<Opened> {
  const dir = mkdtempSync(join(tmpdir(), `projection-${scenario.replace(':', '-')}-`));
  // A held clock: crash loops and heartbeats do not move between the two diagnoses.
  const now = Date.now();
  const lab = await startLab({ dir, scenario, notReadyGraceSeconds: 1, now: () => now });
  lab.settle();
  const target = resolveProxmoxTarget({ proxmoxEnvFile: lab.proxmoxEnvPath }, {});
  const client = readOnly(await ProxmoxApiClient.connect(target));
  const proxmox = target.inventoryFile ? withInventory(client, loadInventory(target.inventoryFile)) : client;
  return { lab, dir, now, kube: await createListReader({ kubeconfig: lab.kubeconfigPath }), proxmox };
}

async function close(o: Opened | undefined): Promise<void> {
  await o?.lab.stop();
  if (o) rmSync(o.dir, { recursive: true, force: true });
}

/** The same reader, asked for whole objects whatever the query's mask says. */
const whole = (kube: KubeReader): KubeReader => ({
  list: (q) => kube.list({ ...q, fields: undefined }),
  get: (ref) => kube.get(ref),
  waitFor: (ref, until, options) => kube.waitFor(ref, until, options),
  ready: () => kube.ready(),
});

/** Every path to a leaf of a JSON value, array indexes left out ('spec.containers.name'). */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => leafPaths(v, prefix));
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Object.entries(value);
  if (!entries.length) return [prefix];
  return entries.flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

/** Whether a leaf path stays under the mask (a `true` keeps everything below it). */
function allowed(path: string, mask: FieldMask): boolean {
  const [head, ...rest] = path.split('.');
  const sub = mask[head!];
  if (sub === undefined) return false;
  return sub === true || (rest.length === 0 ? true : allowed(rest.join('.'), sub));
}

describe.each(['incident-2025-08', 'scale:40'])('projected lists on the %s lab', (scenario) => {
  let o: Opened | undefined;
  beforeAll(async () => {
    o = await open(scenario);
  }, 120_000);
  afterAll(() => close(o));

  it('find exactly what whole objects find', async () => {
    const projected = await diagnose({ kube: o!.kube, proxmox: o!.proxmox }, { now: o!.now });
    const full = await diagnose({ kube: whole(o!.kube), proxmox: o!.proxmox }, { now: o!.now });
    expect(projected.length).toBeGreaterThan(2);
    expect(projected).toEqual(full);
  });

  it('keep no pod field outside the mask, though the server sends many', async () => {
    const mask = RESOURCES.pods.fields;
    const [kept, sent] = await Promise.all([o!.kube.list(RESOURCES.pods), whole(o!.kube).list(RESOURCES.pods)]);
    expect(kept.map((p) => p.metadata.name)).toEqual(sent.map((p) => p.metadata.name));
    const outside = (pods: KubeObject[]) => new Set(pods.flatMap((p) => leafPaths(p)).filter((path) => !['apiVersion', 'kind'].includes(path) && !allowed(path, mask)));
    expect([...outside(kept)]).toEqual([]);
    // What the projection left behind (so the check above could fail).
    expect([...outside(sent)]).toEqual(expect.arrayContaining(['metadata.uid', 'metadata.resourceVersion', 'spec.tolerations.key', 'status.podIP']));
  });
});

describe('shared parts of a projected list', () => {
  let o: Opened | undefined;
  beforeAll(async () => {
    o = await open('scale:40');
  }, 120_000);
  afterAll(() => close(o));

  it('pods of one ReplicaSet hold one containers list, frozen', async () => {
    const pods = await o!.kube.list(RESOURCES.pods);
    const byOwner = new Map<string, KubeObject[]>();
    for (const p of pods) {
      const owner = p.metadata.ownerReferences?.[0];
      if (owner?.kind === 'ReplicaSet') byOwner.set(owner.name, [...(byOwner.get(owner.name) ?? []), p]);
    }
    const [a, b] = [...byOwner.values()].find((group) => group.length > 1)!;
    const containers = (p: KubeObject) => (p.spec as { containers: unknown[] }).containers;
    expect(containers(a!)).toBe(containers(b!));
    expect(Object.isFrozen(containers(a!))).toBe(true);
    expect(() => (containers(a!) as unknown[]).push({})).toThrow(TypeError);
  });

  it('runbook doctor reads through them without loading the Kubernetes client', async () => {
    const counting = ['--import', join(import.meta.dirname, '..', 'support', 'count-modules.mjs')];
    const state = mkdtempSync(join(o!.dir, 'state-'));
    const r = await runCli(['--state-dir', state, 'doctor', '-o', 'json', '--kubeconfig', o!.lab.kubeconfigPath, '--proxmox-env-file', o!.lab.proxmoxEnvPath], { nodeArgs: counting, timeoutMs: 60_000 });
    expect(r.code, r.stderr.slice(-2000)).toBe(7);
    expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(2);
    const loaded = [...r.stderr.matchAll(/^MODULE (\S+)$/gm)].map((m) => m[1]!);
    expect(loaded.some((f) => f.includes('/dist/src/adapters/kube/plain-reader.js'))).toBe(true);
    expect(loaded.filter((f) => f.includes('/node_modules/@kubernetes/client-node/'))).toEqual([]);
  }, 90_000);
});
