// Worker tasks and their UPIDs, as pve-common PVE/UPID.pm encodes them:
// UPID:{node}:{pid %08X}:{pstart %08X}:{starttime %08X}:{type}:{id}:{user}:
// Listing follows pve-manager PVE/API2/Tasks.pm node_tasks: running tasks live in the
// "active" list, finished ones in the archive index; the default `source` is 'archive', so a
// task still running is only listed with source=active|all. Newest first.

export interface TaskRecord {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
  /** epoch seconds, set when the task finished */
  endtime?: number;
  /** 'OK' or the error text (PVE::UPID::read_status), set when finished */
  exitstatus?: string;
  /** parameters of an asynchronous config update (qmconfig), kept to finish it after a restore */
  params?: Record<string, string>;
}

export function encodeUpid(t: Omit<TaskRecord, 'upid'>): string {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
  return `UPID:${t.node}:${hex(t.pid)}:${hex(t.pstart)}:${hex(t.starttime)}:${t.type}:${t.id}:${t.user}:`;
}

const UPID_RE = /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

/** PVE::UPID::decode */
export function decodeUpid(upid: string): Omit<TaskRecord, 'upid'> | undefined {
  const m = UPID_RE.exec(upid);
  if (!m) return undefined;
  return { node: m[1]!, pid: parseInt(m[3]!, 16), pstart: parseInt(m[4]!, 16), starttime: parseInt(m[5]!, 16), type: m[6]!, id: m[7]!, user: m[8]! };
}

/** upid_normalize_status_type */
function statusType(status: string | undefined): 'ok' | 'warning' | 'error' | 'unknown' {
  if (!status) return 'unknown';
  if (status === 'OK') return 'ok';
  if (/^WARNINGS: \d+$/.test(status)) return 'warning';
  if (status === 'unexpected status') return 'unknown';
  return 'error';
}

export interface TaskFilter {
  start?: number;
  limit?: number;
  userfilter?: string;
  typefilter?: string;
  vmid?: number;
  errors?: boolean;
  source?: 'archive' | 'active' | 'all';
  since?: number;
  until?: number;
  statusfilter?: string;
  /** who may see a task (node_tasks: the auditor of the node, or the task's own user/token) */
  visible?: (t: TaskRecord) => boolean;
}

/** Tasks.pm $convert_token_task: a token's task shows `user` and `tokenid` apart. */
function taskOwner(t: Pick<TaskRecord, 'user'>): { user: string; tokenid?: string } {
  const bang = t.user.indexOf('!');
  return bang < 0 ? { user: t.user } : { user: t.user.slice(0, bang), tokenid: t.user.slice(bang + 1) };
}

/** Tasks.pm $check_task_user: a token sees its own tasks, a user also those of its tokens. */
export function ownsTask(t: Pick<TaskRecord, 'user'>, userid: string): boolean {
  return userid === t.user || (taskOwner(t).tokenid !== undefined && userid === taskOwner(t).user);
}

/** The task log (read_task_log): a finished worker's last line is its status (pve-common
 * PVE/RESTEnvironment.pm fork_worker: "TASK OK", "TASK WARNINGS: N", "TASK ERROR: ..."). */
export function taskLogLines(t: TaskRecord): string[] {
  if (t.endtime === undefined) return [];
  const status = t.exitstatus ?? 'unexpected status';
  if (status === 'OK') return ['TASK OK'];
  return [/^WARNINGS: \d+$/.test(status) ? `TASK ${status}` : `TASK ERROR: ${status}`];
}

function listEntry(t: TaskRecord, running: boolean): Record<string, string | number> {
  const e: Record<string, string | number> = { upid: t.upid, node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime, type: t.type, id: t.id, ...taskOwner(t) };
  if (running) e.status = 'RUNNING';
  else {
    if (t.endtime !== undefined) e.endtime = t.endtime;
    if (t.exitstatus !== undefined) e.status = t.exitstatus;
  }
  return e;
}

/** node_tasks: returns the page and the total count of matching tasks (the `total` attribute). */
export function listTasks(all: readonly TaskRecord[], node: string, f: TaskFilter): { data: Record<string, string | number>[]; total: number } {
  const source = f.source ?? 'archive';
  const start = f.start ?? 0;
  let limit = f.limit ?? 50;
  const statusOk: Record<string, boolean> = { ok: true, warning: true, error: true, unknown: true };
  if (f.statusfilter !== undefined && !f.errors) {
    for (const k of Object.keys(statusOk)) statusOk[k] = false;
    for (const s of f.statusfilter.split(/[,;\s]+/).filter(Boolean)) statusOk[s.toLowerCase()] = true;
  } else if (f.errors) statusOk.ok = false;

  let count = 0;
  const skip = (t: TaskRecord, status: string | undefined): boolean => {
    if (f.userfilter && !taskOwner(t).user.toLowerCase().includes(f.userfilter.toLowerCase())) return true;
    if (f.visible && !f.visible(t)) return true;
    if (f.typefilter && t.type !== f.typefilter) return true;
    if (f.vmid && t.id !== String(f.vmid)) return true;
    if (f.since !== undefined && t.starttime < f.since) return true;
    if (f.until !== undefined && t.starttime > f.until) return true;
    if (!statusOk[statusType(status)]) return true;
    if (count++ < start) return true;
    return limit <= 0;
  };

  const mine = all.filter((t) => t.node === node).sort((a, b) => b.starttime - a.starttime || b.pid - a.pid);
  const data: Record<string, string | number>[] = [];
  if (source === 'active' || source === 'all') {
    for (const t of mine.filter((x) => x.endtime === undefined)) {
      if (!skip(t, 'RUNNING')) {
        data.push(listEntry(t, true));
        limit--;
      }
    }
  }
  if (source !== 'active') {
    for (const t of mine.filter((x) => x.endtime !== undefined)) {
      if (!skip(t, t.exitstatus)) {
        data.push(listEntry(t, false));
        limit--;
      }
    }
  }
  return { data, total: count };
}

/** read_task_status */
export function taskStatus(t: TaskRecord): Record<string, string | number> {
  const { params: _params, endtime: _end, exitstatus, user: _user, ...base } = t;
  return { ...base, ...taskOwner(t), status: t.endtime === undefined ? 'running' : 'stopped', ...(t.endtime !== undefined ? { exitstatus: exitstatus ?? 'unexpected status' } : {}) };
}
