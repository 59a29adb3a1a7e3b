// The lab's fault switchboard: tests add and lift rules at run time (lab.faults), and each lab
// server consults it at its request entry. An outage stops a server listening (a real
// ECONNREFUSED) and cuts its open connections, as a restarting API server does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:net';
import type { ActiveFault, Fault, FaultRule, LabServerName } from './rules.js';
import { matches } from './rules.js';

interface FaultHooks {
  /** Makes the next task of this type on this VM end with `exitstatus` (a failed PVE worker). */
  failTask?(fault: { type: string; vmid: number; exitstatus: string }): void;
}

interface Entry {
  rule: FaultRule;
  hits: number;
  removed: boolean;
}

const TERMINAL = new Set<Fault['kind']>(['status', 'reset', 'blackhole', 'outage']);

/** POST /nodes/{node}/qemu/{vmid}/status/{action}: the request that forks a power task (qm<action>). */
const POWER_TASK = /\/nodes\/[^/]+\/qemu\/(\d+)\/status\/(\w+)$/;

export class LabFaults {
  private entries: Entry[] = [];
  private readonly servers = new Map<LabServerName, Server>();
  private readonly down = new Map<LabServerName, { host: string; port: number }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private disposed = false;

  constructor(private readonly hooks: FaultHooks = {}) {}

  add(rule: FaultRule): ActiveFault {
    const entry: Entry = { rule, hits: 0, removed: false };
    this.entries.push(entry);
    return {
      rule,
      get hits() {
        return entry.hits;
      },
      remove: () => {
        entry.removed = true;
        this.entries = this.entries.filter((e) => e !== entry);
      },
    };
  }

  /** The rules in force (chained ones included), with their hit counts. */
  active(): ActiveFault[] {
    return this.entries.map((e) => ({ rule: e.rule, hits: e.hits, remove: () => (this.entries = this.entries.filter((x) => x !== e)) }));
  }

  /** Lifts every rule (outages stay until ended). */
  clear(): void {
    for (const e of this.entries) e.removed = true;
    this.entries = [];
  }

  /** Lifts every rule and ends every outage: a test that failed half-way leaves the next one a working lab. */
  async reset(): Promise<void> {
    this.clear();
    for (const name of [...this.down.keys()]) await this.restart(name);
  }

  /** Called by a lab server once it listens, so outages can stop and restart it. */
  attach(name: LabServerName, server: Server): void {
    this.servers.set(name, server);
  }

  /** Stops the server listening and cuts its connections; `end()` listens again on the same port. */
  outage(name: LabServerName): { end(): Promise<void> } {
    const server = this.servers.get(name);
    const address = server?.address();
    if (!server || !address || typeof address === 'string') throw new Error(`lab ${name} server is not listening`);
    this.down.set(name, { host: address.address, port: address.port });
    server.close();
    (server as Server & { closeAllConnections?(): void }).closeAllConnections?.();
    return { end: () => this.restart(name) };
  }

  /** The lab is stopping: no outage ends by listening again. */
  dispose(): void {
    this.disposed = true;
    this.clear();
    for (const t of this.timers) clearTimeout(t);
    this.down.clear();
  }

  private restart(name: LabServerName): Promise<void> {
    const server = this.servers.get(name)!;
    const at = this.down.get(name);
    if (!at || this.disposed) return Promise.resolve();
    this.down.delete(name);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(at.port, at.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  /** The rules for this request, in order; each one counted, and spent after `times`. */
  private take(name: LabServerName, req: IncomingMessage, path: string, watch: boolean): Fault[] {
    const method = (req.method ?? 'GET').toUpperCase();
    const out: Fault[] = [];
    for (const e of [...this.entries]) {
      if (e.removed || !matches(e.rule, name, method, path)) continue;
      if (e.rule.fault.kind === 'watch-drop' && !watch) continue;
      e.hits++;
      if (e.hits === 1 && e.rule.then) this.add(e.rule.then);
      if (e.rule.times !== undefined && e.hits >= e.rule.times) this.entries = this.entries.filter((x) => x !== e);
      out.push(e.rule.fault);
      // A fault that answers (or never does) ends the request: later rules are not reached.
      if (TERMINAL.has(e.rule.fault.kind)) break;
    }
    return out;
  }

  /**
   * Applies the faults for one request before the server handles it: true when a fault answered
   * it (or never will), false when the server should go on (its answer perhaps delayed or cut).
   */
  async intercept(name: LabServerName, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (!this.entries.length) return false;
    const url = new URL(req.url ?? '/', 'https://lab.invalid');
    const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1' || url.pathname.includes('/watch/');
    for (const fault of this.take(name, req, url.pathname, watch)) {
      switch (fault.kind) {
        case 'latency':
          delayAnswer(res, fault.ms);
          break;
        case 'status':
          answerStatus(name, res, fault);
          return true;
        case 'reset':
          req.socket.destroy();
          return true;
        case 'blackhole':
          // Never answered: the connection stays open until the client (or lab.stop) ends it.
          return true;
        case 'watch-drop':
          dropWatch(res, fault);
          break;
        case 'outage': {
          const outage = this.outage(name);
          const timer = setTimeout(() => void outage.end(), fault.ms);
          this.timers.add(timer);
          return true;
        }
        case 'task-fails': {
          const m = POWER_TASK.exec(url.pathname);
          if (m) this.hooks.failTask?.({ type: `qm${m[2]}`, vmid: Number(m[1]), exitstatus: fault.exitstatus });
          break;
        }
      }
    }
    return false;
  }
}

function answerStatus(name: LabServerName, res: ServerResponse, f: Extract<Fault, { kind: 'status' }>): void {
  const message = f.message ?? `injected fault: ${f.status}`;
  if (f.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(f.retryAfterSeconds));
  if (name === 'proxmox') {
    // pve-http-server's own errors: a status line, no body (PVE/APIServer/AnyEvent.pm).
    res.writeHead(f.status, message.split('\n')[0]);
    res.end();
    return;
  }
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: f.status });
  res.writeHead(f.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** A slow server: the request is handled at once (its effects happen), its answer leaves `ms` later. */
function delayAnswer(res: ServerResponse, ms: number): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    setTimeout(() => {
      if (!res.destroyed) end(...args);
    }, ms).unref();
    return res;
  }) as typeof res.end;
}

/** Ends a watch stream after N events or some time, as a server timeout or restart does. */
function dropWatch(res: ServerResponse, f: Extract<Fault, { kind: 'watch-drop' }>): void {
  let events = 0;
  const drop = () => res.destroy();
  if (f.afterMs !== undefined) setTimeout(drop, f.afterMs).unref();
  if (f.afterEvents === undefined) return;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  res.write = ((...args: unknown[]) => {
    const ok = write(...args);
    if (++events >= f.afterEvents!) setImmediate(drop);
    return ok;
  }) as typeof res.write;
}
