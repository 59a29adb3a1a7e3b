// What the lab can be told to do wrong, per server and endpoint, so tests find what an outage
// does to a run. Each fault is what a real component does when it is in trouble:
// - status: kube-apiserver's max-in-flight filter answers 429 with Retry-After: 1 (k8s.io/
//   apiserver pkg/server/filters/maxinflight.go); a restarting server or a proxy in front of it
//   answers 503/502/504; pveproxy answers 5xx with a status line.
// - latency: a loaded server, whose answer comes late though the work is done; reset: a server process killed mid-connection; blackhole: a
//   host that stops answering (packets dropped), so a connection hangs until the client gives up.
// - watch-drop: the apiserver ends watches at its timeout or when it restarts (client-go's
//   reflector re-lists then); task-fails: a PVE worker that ends with an error exitstatus;
//   outage: the server restarts (stops listening for `ms`), starting with this request.

export type Fault =
  | { kind: 'status'; status: number; message?: string; retryAfterSeconds?: number }
  | { kind: 'latency'; ms: number }
  | { kind: 'reset' }
  | { kind: 'blackhole' }
  | { kind: 'watch-drop'; afterEvents?: number; afterMs?: number }
  | { kind: 'task-fails'; exitstatus: string }
  | { kind: 'outage'; ms: number };

export type LabServerName = 'kube' | 'proxmox';

export interface FaultRule {
  server: LabServerName;
  /** HTTP method; any when absent. */
  method?: string;
  /** Tested against the request path (query string excluded); any when absent. */
  path?: RegExp;
  /** Applies to this many matching requests, then the rule is spent; unlimited when absent. */
  times?: number;
  fault: Fault;
  /** Added when this rule first fires: a fault that starts at a known point of a run (after the reboot). */
  then?: FaultRule;
}

/** A rule in force: how often it fired, and a way to lift it. */
export interface ActiveFault {
  readonly rule: FaultRule;
  readonly hits: number;
  remove(): void;
}

export function matches(rule: FaultRule, server: LabServerName, method: string, path: string): boolean {
  return rule.server === server && (rule.method === undefined || rule.method.toUpperCase() === method) && (rule.path === undefined || rule.path.test(path));
}
