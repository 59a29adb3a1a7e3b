// Cluster and node level methods: /cluster/resources (pve-manager PVE/API2/Cluster.pm),
// /nodes and /nodes/{node}/status (PVE/API2/Nodes.pm), tasks (PVE/API2/Tasks.pm).
// `user => 'all'` methods filter: /cluster/resources and /nodes/{node}/qemu list only VMs with
// VM.Audit on /vms/<vmid> (silently, no error); node stats need Sys.Audit on /nodes/<node>; a
// task is readable by its user/token or with Sys.Audit on its node.
import { fail, paramError } from './errors.js';
import { PVE_KERNEL, PVE_VERSION } from './pve-version.js';
import { may, must, userOf } from './route-access.js';
import type { Route, RouteContext, WithTotal } from './route-types.js';
import { NODE, VMID } from './schema.js';
import { decodeUpid, listTasks, ownsTask, taskLogLines, taskStatus, type TaskFilter, type TaskRecord } from './tasks.js';
import { nodeMemory, nodeResource, vmResource } from './vm-status.js';

/** extract_node_stats($node, ..., !$can_audit): without Sys.Audit, no numbers. */
function nodeEntry(ctx: RouteContext, name: string): Record<string, unknown> {
  const full = nodeResource(ctx.state, name);
  if (may(ctx, `/nodes/${name}`, ['Sys.Audit'])) return full;
  const { uptime: _u, cpu: _c, mem: _m, disk: _d, maxcpu: _mc, maxmem: _mm, maxdisk: _md, ...rest } = full;
  return rest;
}

/** read_task_status / read_task_log: the task's own user or token, else Sys.Audit on the node. */
function readableTask(ctx: RouteContext): TaskRecord {
  const upid = ctx.params.upid!;
  if (!decodeUpid(upid)) throw paramError({ upid: 'unable to parse worker upid' });
  const task = ctx.state.task(upid);
  if (!task || task.node !== ctx.params.node) throw paramError({ upid: 'no such task' });
  if (!ownsTask(task, userOf(ctx))) must(ctx, `/nodes/${ctx.params.node}`, ['Sys.Audit']);
  return task;
}

const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

export const nodeRoutes: Route[] = [
  {
    method: 'GET',
    path: '/cluster/resources',
    schema: { type: { type: 'string', optional: true, enum: ['vm', 'storage', 'node', 'sdn'] } },
    handler: (ctx) => {
      const { state, params } = ctx;
      const nodes = state.nodes().map((n) => nodeEntry(ctx, n.name));
      // PVE/API2/Cluster.pm resources: `next if !$rpcenv->check($authuser, "/vms/$vmid", ['VM.Audit'], 1)`
      const vms = state.vms().filter((v) => may(ctx, `/vms/${v.vmid}`, ['VM.Audit'])).map((v) => vmResource(state, v));
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
    handler: (ctx) => ctx.state.nodes().map((n) => ({ ...nodeEntry(ctx, n.name), ssl_fingerprint: '' })),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/status',
    schema: { node: NODE },
    permission: { path: '/nodes/{node}', privs: ['Sys.Audit'] },
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
        kversion: `Linux ${PVE_KERNEL.release} ${PVE_KERNEL.version} x86_64`,
        'current-kernel': { sysname: 'Linux', release: PVE_KERNEL.release, version: PVE_KERNEL.version, machine: 'x86_64' },
        pveversion: `pve-manager/${state.pveVersion}/${PVE_VERSION.repoid}`,
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
    handler: (ctx): WithTotal => {
      const { state, params } = ctx;
      const auditor = may(ctx, `/nodes/${params.node}`, ['Sys.Audit']);
      const f: TaskFilter = {
        visible: (t) => auditor || ownsTask(t, userOf(ctx)),
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
    handler: (ctx) => taskStatus(readableTask(ctx)),
  },
  {
    // read_task_log: lines as [{n, t}] from `start`, at most `limit`, total = lines in the file;
    // an empty log reads as one line "no content" (pve-common PVE/Tools.pm dump_logfile).
    method: 'GET',
    path: '/nodes/{node}/tasks/{upid}/log',
    schema: {
      node: NODE,
      upid: { type: 'string', maxLength: 256 },
      start: { type: 'integer', optional: true, minimum: 0 },
      limit: { type: 'integer', optional: true, minimum: 0 },
      download: { type: 'boolean', optional: true },
    },
    handler: (ctx): WithTotal => {
      const task = readableTask(ctx);
      if (ctx.params.download !== undefined) throw fail("'download' is not simulated");
      const lines = taskLogLines(task);
      const start = num(ctx.params.start) ?? 0;
      const limit = num(ctx.params.limit) ?? 50;
      if (lines.length === 0) return { withTotal: true, data: [{ n: 1, t: 'no content' }], total: 1 };
      const numbered = lines.map((t, i) => ({ n: i + 1, t }));
      // limit 0 reads to the end ($read_until_end).
      return { withTotal: true, data: numbered.slice(start, limit === 0 ? undefined : start + limit), total: lines.length };
    },
  },
];
