// SelfSubjectAccessReview (authorization.k8s.io/v1), what `kubectl auth can-i` asks. The lab has
// one credential, k3s's admin (group system:masters), so every review is allowed, with the
// reason the RBAC authorizer gives for that group.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson, readBody, sendJson } from './http-io.js';
import { badRequest } from './status.js';

export const ACCESS_REVIEW_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

export async function serveAccessReview(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const text = await readBody(req);
  // kubectl sends this one as protobuf, which the lab does not decode: the answer is the same
  // for every question, so it is given without echoing the spec. Clients decode the JSON answer
  // by its Content-Type.
  const isJson = (req.headers['content-type'] ?? 'application/json').includes('json');
  const body = isJson ? (parseJson(text) as { spec?: unknown } | undefined) : { spec: {} };
  if (!body?.spec) throw badRequest('spec.resourceAttributes or spec.nonResourceAttributes is required');
  sendJson(res, 201, {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: {},
    spec: body.spec,
    status: { allowed: true, reason: 'allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"' },
  });
}
