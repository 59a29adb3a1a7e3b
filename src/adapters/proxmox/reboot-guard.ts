// proxmox-api retries a request once when fetch throws (a dropped connection). For a power
// action that first request may well have reached Proxmox: a second reboot would interrupt the
// first. Before letting the library retry, ask the task list whether the action started.
import type { FetchLike } from './tls-fetch.js';

const POWER = /\/api2\/json\/nodes\/([^/]+)\/qemu\/(\d+)\/status\/(reboot|start|stop|shutdown)$/;
const TASK_TYPE: Record<string, string> = { reboot: 'qmreboot', start: 'qmstart', stop: 'qmstop', shutdown: 'qmshutdown' };

function jsonResponse(data: unknown): Response {
  return new Response(JSON.stringify({ data }), { status: 200, headers: { 'content-type': 'application/json;charset=UTF-8' } });
}

export function guardPowerActions(inner: FetchLike): FetchLike {
  return async (url, init = {}) => {
    const u = new URL(String(url));
    const m = init.method === 'POST' ? POWER.exec(u.pathname) : null;
    if (!m) return inner(url, init);
    const sentAt = Math.floor(Date.now() / 1000) - 2;
    try {
      return await inner(url, init);
    } catch (e) {
      const [, node, vmid, action] = m;
      // source=all: PVE lists only finished tasks by default (source=archive, pve-manager
      // PVE/API2/Tasks.pm), and a reboot whose reply was lost is usually still running.
      const tasks = new URL(`/api2/json/nodes/${node}/tasks?vmid=${vmid}&typefilter=${TASK_TYPE[action!]}&since=${sentAt}&source=all`, u);
      try {
        const headers = { ...(init.headers as Record<string, string>) };
        delete headers['Content-Type'];
        delete headers['Content-Length'];
        const res = await inner(tasks, { method: 'GET', headers });
        const body = (await res.json()) as { data?: Array<{ upid: string; starttime: number }> };
        const started = body.data?.find((t) => t.starttime >= sentAt);
        // The action reached Proxmox: hand its UPID back instead of sending it twice.
        if (started) return jsonResponse(started.upid);
      } catch {
        // Can't tell: fall through and let the library retry (nothing started, as far as we know).
      }
      throw e;
    }
  };
}
