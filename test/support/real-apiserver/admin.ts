// Admin access to a real kube-apiserver for seeding (playing the controllers and kubelets that
// do not run there) and for granting a test user exactly what `runbook rbac NAME` derives.
import { request } from 'node:https';
import { runMain } from '../in-process.js';

export interface AdminApi {
  url: string;
  caPem: string;
  adminToken: string;
}

export interface Admin {
  /** Raw request as admin; the body is parsed JSON when the server sent JSON. */
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; body: any }>;
  /** Like call, but any status >= 300 is an error naming the request. */
  must(method: string, path: string, body?: unknown, contentType?: string): Promise<any>;
  /** Binds `user` to the ClusterRole `runbook rbac RUNBOOK` derives, less one verb on one resource if asked. */
  grant(runbook: string, user: string, drop?: { resource: string; verb: string }): Promise<void>;
}

export function adminOf(api: AdminApi): Admin {
  const call: Admin['call'] = (method, path, body, contentType = 'application/json') =>
    new Promise((resolve, reject) => {
      const req = request(new URL(path, api.url), { method, ca: api.caPem, headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': contentType } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : text }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  const must: Admin['must'] = async (method, path, body, contentType) => {
    const r = await call(method, path, body, contentType);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const grant: Admin['grant'] = async (runbook, user, drop) => {
    const r = await runMain(['rbac', runbook, '--output', 'json']);
    const role = (JSON.parse(r.stdout) as { kubernetes: { metadata: { name: string }; rules: { resources: string[]; verbs: string[] }[] } }).kubernetes;
    role.metadata.name = `${runbook}-${user}`;
    if (drop) {
      role.rules = role.rules.flatMap((rule) => {
        if (!rule.resources.includes(drop.resource)) return [rule];
        const rest = rule.resources.filter((x) => x !== drop.resource);
        const verbs = rule.verbs.filter((v) => v !== drop.verb);
        // A rule with no verbs left is invalid: it goes.
        return [...(rest.length ? [{ ...rule, resources: rest }] : []), ...(verbs.length ? [{ ...rule, resources: [drop.resource], verbs }] : [])];
      });
    }
    await must('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', role);
    await must('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: role.metadata.name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
    });
  };
  return { call, must, grant };
}
