// `scale:N`, the generated scenario the benchmarks measure with: a lab past 256 nodes starts,
// its objects are valid (addresses and pod CIDRs carry over octets instead of overflowing),
// and the counts are what the name promises. Counts, never times (npm run bench measures those).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';
import { loadScenario } from '../../src/lab/scenario.js';

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

describe('scale:N scenarios', () => {
  it('scale:500 has 500 nodes, ~10k pods planned and ~2k claims, one dead node and some ballooned VMs', () => {
    const s = loadScenario('scale:500');
    expect(s.kubernetes.nodes).toHaveLength(500);
    expect(s.kubernetes.nodes.filter((n) => n.vm === 'absent')).toHaveLength(1);
    expect(s.proxmox.vms.filter((v) => (v.balloon ?? 0) > 0).length).toBeGreaterThan(10);
    const perNode = s.kubernetes.workloads.filter((w) => w.kind === 'DaemonSet').length;
    const replicas = s.kubernetes.workloads.filter((w) => w.kind !== 'DaemonSet').reduce((n, w) => n + (w.replicas ?? 1), 0);
    expect(perNode * 500 + replicas).toBeGreaterThanOrEqual(9_900);
    expect(s.kubernetes.volumes.length).toBeGreaterThanOrEqual(1_980);
  });

  it('`scale:` without a number is not generated (it is looked up as a shipped name, and not found)', () => {
    expect(() => loadScenario('scale:lots')).toThrow(/not found/);
  });

  describe('a 300-node lab', () => {
    const root = mkdtempSync(join(tmpdir(), 'runbook-scale-'));
    let lab: Lab | undefined;
    afterAll(async () => {
      await lab?.stop();
      rmSync(root, { recursive: true, force: true });
    });

    it('starts with valid, distinct node addresses and pod CIDRs past 256 nodes, and schedules the pods', async () => {
      lab = await startLab({ dir: join(root, 'lab'), scenario: 'scale:300' });
      lab.settle();
      const nodes = lab.kube.store.list('v1', 'Node');
      expect(nodes).toHaveLength(300);
      const ips = nodes.map((n) => ((n.status as { addresses?: { type: string; address: string }[] }).addresses ?? []).find((a) => a.type === 'InternalIP')?.address ?? '');
      expect(ips.every((ip) => IPV4.test(ip))).toBe(true);
      expect(new Set(ips).size).toBe(300);
      const cidrs = nodes.map((n) => (n.spec as { podCIDR: string }).podCIDR);
      expect(cidrs.every((c) => IPV4.test(c.replace(/\/24$/, '')))).toBe(true);
      expect(new Set(cidrs).size).toBe(300);
      const pods = lab.kube.store.list('v1', 'Pod');
      expect(pods.length).toBeGreaterThan(5_000);
      const running = pods.filter((p) => (p.status as { phase?: string }).phase === 'Running').length;
      expect(running).toBeGreaterThan(pods.length * 0.95);
    }, 120_000);
  });
});
