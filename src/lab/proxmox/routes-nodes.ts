// Cluster and node level methods: /cluster/resources (pve-manager PVE/API2/Cluster.pm),
// /nodes and /nodes/{node}/status (PVE/API2/Nodes.pm), tasks (PVE/API2/Tasks.pm).
import { paramError } from './errors.js';
import type { Route, WithTotal } from './route-types.js';
import { NODE, VMID } from './schema.js';
import { decodeUpid, listTasks, taskStatus, type TaskFilter } from './tasks.js';
import { nodeMemory, nodeResource, vmResource } from './vm-status.js';

const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

export const nodeRoutes: Route[] = [
  {
    method: 'GET',
    path: '/cluster/resources',
    schema: { type: { type: 'string', optional: true, enum: ['vm', 'storage', 'node', 'sdn'] } },
    handler: ({ state, params }) => {
      const nodes = state.nodes().map((n) => nodeResource(state, n.name));
      const vms = state.vms().map((v) => vmResource(state, v));
      if (params.type === 'vm') return vms;
      if (params.type === 'node') return nodes;
      if (params.type === 'storage' || params.type === 'sdn') return [];
      return [...nodes, ...vms];
    },
  },
  {
    method: 'GET',
    path: '/nodes',
    schema: {},
    handler: ({ state }) => state.nodes().map((n) => ({ ...nodeResource(state, n.name), ssl_fingerprint: '' })),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/status',
    schema: { node: NODE },
    handler: ({ state, params }) => {
      const node = state.node(params.node!)!;
      const mem = nodeMemory(state, node.name);
      return {
        memory: { ...mem, available: mem.free },
        swap: { total: 0, used: 0, free: 0 },
        cpu: 0.02,
        wait: 0,
        idle: 0,
        cpuinfo: { cpus: node.cpus, cores: node.cpus, sockets: 1, model: 'QEMU Virtual CPU (runbook lab)', mhz: '2400.000', hvm: '1', flags: '', user_hz: 100 },
        uptime: Math.floor(process.uptime()) + 86400,
        loadavg: ['0.10', '0.12', '0.09'],
        kversion: 'Linux 6.14.8-2-pve #1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2 x86_64',
        'current-kernel': { sysname: 'Linux', release: '6.14.8-2-pve', version: '#1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2', machine: 'x86_64' },
        pveversion: 'pve-manager/9.0.10/deb1ca707ec72a89',
        'boot-info': { mode: 'efi', secureboot: 0 },
        rootfs: { total: 100 * 2 ** 30, used: 10 * 2 ** 30, free: 90 * 2 ** 30, avail: 85 * 2 ** 30 },
        ksm: { shared: 0 },
      };
    },
  },
  {
    method: 'GET',
    path: '/nodes/{node}/tasks',
    schema: {
      node: NODE,
      start: { type: 'integer', optional: true, minimum: 0 },
      limit: { type: 'integer', optional: true, minimum: 0 },
      userfilter: { type: 'string', optional: true },
      typefilter: { type: 'string', optional: true },
      vmid: { ...VMID, optional: true },
      errors: { type: 'boolean', optional: true },
      source: { type: 'string', optional: true, enum: ['archive', 'active', 'all'] },
      since: { type: 'integer', optional: true },
      until: { type: 'integer', optional: true },
      statusfilter: { type: 'string', optional: true },
    },
    handler: ({ state, params }): WithTotal => {
      const f: TaskFilter = {
        ...(params.start !== undefined ? { start: num(params.start)! } : {}),
        ...(params.limit !== undefined ? { limit: num(params.limit)! } : {}),
        ...(params.userfilter !== undefined ? { userfilter: params.userfilter } : {}),
        ...(params.typefilter !== undefined ? { typefilter: params.typefilter } : {}),
        ...(params.vmid !== undefined ? { vmid: num(params.vmid)! } : {}),
        ...(params.errors !== undefined ? { errors: params.errors === '1' } : {}),
        ...(params.source !== undefined ? { source: params.source as TaskFilter['source'] } : {}),
        ...(params.since !== undefined ? { since: num(params.since)! } : {}),
        ...(params.until !== undefined ? { until: num(params.until)! } : {}),
        ...(params.statusfilter !== undefined ? { statusfilter: params.statusfilter } : {}),
      };
      const { data, total } = listTasks(state.tasks(), params.node!, f);
      return { withTotal: true, data, total };
    },
  },
  {
    method: 'GET',
    path: '/nodes/{node}/tasks/{upid}/status',
    schema: { node: NODE, upid: { type: 'string', maxLength: 256 } },
    handler: ({ state, params }) => {
      if (!decodeUpid(params.upid!)) throw paramError({ upid: 'unable to parse worker upid' });
      const task = state.task(params.upid!);
      if (!task || task.node !== params.node) throw paramError({ upid: 'no such task' });
      return taskStatus(task);
    },
  },
];
