// fix-ballooning rolls over three k3s servers (each an embedded etcd member) against a lab that
// reboots as PVE and k3s do: the reboot task ends at the VM's stop, qmeventd starts it again,
// the guest then takes a while to boot, and meanwhile the Node keeps its old Ready=True and
// capacity. A server counts as down from its VM's stop until its kubelet posts a new bootID;
// the rollout must never have two down at once (etcd would lose quorum). And a guest slower
// than the runbook's shutdown timeout fails the reboot without a second one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';
import type { SimVm } from '../../src/lab/proxmox/state.js';
import { runMain } from '../support/in-process.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const SERVERS = ['k3s-server-0', 'k3s-server-1', 'k3s-server-2'];
const bootOf = (l: Lab, node: string) => (l.kube.store.get('v1', 'Node', node)?.status as { nodeInfo?: { bootID?: string } } | undefined)?.nodeInfo?.bootID;

describe('rolling reboots against a lab that reboots as PVE and k3s do', () => {
  it('fix-ballooning over three servers never has two etcd members down at once, though each Node stays Ready while it boots', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runbook-rolling-'));
    const l = (lab = await startLab({ dir: join(root, 'lab'), scenario: 'healthy', rebootSeconds: 0.2 }));
    l.proxmox.state.guestBootSeconds = 2;
    // Ballooning on with a target high enough that the stale capacity already passes the
    // memory check: only the new boot can tell that a server is back.
    for (const vm of l.proxmox.state.vms().filter((v) => SERVERS.includes(v.name))) Object.assign(vm.config, { memory: 4096, balloon: 3072 });
    l.settle();

    const down = new Map<string, string | undefined>(); // node -> its bootID when its VM stopped
    const wasDown = new Set<string>();
    let most = 0;
    l.proxmox.state.on('vm-changed', (vm: SimVm) => {
      if (!SERVERS.includes(vm.name) || vm.status !== 'stopped') return;
      down.set(vm.name, bootOf(l, vm.name));
      wasDown.add(vm.name);
      most = Math.max(most, down.size);
    });
    l.kube.store.subscribe((e) => {
      const name = e.object.metadata.name;
      if (e.object.kind === 'Node' && down.has(name) && bootOf(l, name) !== down.get(name)) down.delete(name);
    });

    const env = { KUBECONFIG: l.kubeconfigPath, PROXMOX_ENV_FILE: l.proxmoxEnvPath };
    const r = await runMain(['--state-dir', join(root, 'state'), 'run', 'fix-ballooning', '--nodes', SERVERS.join(','), '--memory', '2048', '--yes'], { env });
    expect(r.code, r.stdout.slice(-600)).toBe(0);
    expect([...wasDown].sort()).toEqual(SERVERS); // each server really went down once
    expect(most).toBe(1);
    for (const s of SERVERS) expect((l.kube.store.get('v1', 'Node', s)?.status as { capacity: { memory: string } }).capacity.memory).toBe('2048Mi');
  }, 120_000);

  it('reboot-node hands --shutdown-timeout to Proxmox: a guest slower than that fails the reboot, the VM keeps running', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runbook-rolling-'));
    const l = (lab = await startLab({ dir: join(root, 'lab'), scenario: 'healthy', rebootSeconds: 0.2 }));
    l.proxmox.state.vm(111)!.shutdownSeconds = 5;
    const env = { KUBECONFIG: l.kubeconfigPath, PROXMOX_ENV_FILE: l.proxmoxEnvPath };
    const r = await runMain(['--state-dir', join(root, 'state'), 'run', 'reboot-node', '--node', 'k3s-replica-0', '--shutdown-timeout', '1s', '--yes'], { env });
    expect(r.code, r.stdout.slice(-600)).toBe(1);
    expect(r.stdout).toMatch(/VM quit\/powerdown failed - got timeout: VM 111 still runs/);
    expect(l.proxmox.state.vm(111)!.status).toBe('running');
    expect(l.proxmox.state.tasks().filter((t) => t.type === 'qmreboot' && t.id === '111')).toHaveLength(1);
  }, 60_000);
});
