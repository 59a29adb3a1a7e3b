// A minimal OpenAPI v3 discovery: /openapi/v3 lists one document per group/version, and each
// document holds a PATCH operation per kind carrying the `fieldValidation` query parameter.
// That is what kubectl 1.32 looks for before create/apply/replace
// (cli-runtime/pkg/resource/query_param_verifier_v3.go: supportsQueryParamV3); finding it,
// kubectl skips client-side schema validation, which would need the full /openapi/v2 document.
// Unknown fields are not rejected by the lab (fieldValidation is accepted and ignored).
import { createHash } from 'node:crypto';
import { LAB_VERSION } from './discovery.js';
import { apiVersionOf, RESOURCES } from './resources.js';

function gvPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `apis/${apiVersion}` : `api/${apiVersion}`;
}

export function openapiV3Document(path: string): object | undefined {
  const types = RESOURCES.filter((t) => gvPath(apiVersionOf(t)) === path);
  if (types.length === 0) return undefined;
  const paths: Record<string, object> = {};
  for (const t of types) {
    const base = `/${path}/${t.namespaced ? 'namespaces/{namespace}/' : ''}${t.plural}/{name}`;
    paths[base] = {
      patch: {
        operationId: `patch${t.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind },
        parameters: ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({ name, in: 'query', schema: { type: 'string' }, style: 'form' })),
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: LAB_VERSION.gitVersion }, paths };
}

export function openapiV3Root(): object {
  const gvs = [...new Set(RESOURCES.map((t) => gvPath(apiVersionOf(t))))];
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of gvs) {
    const hash = createHash('sha512').update(JSON.stringify(openapiV3Document(gv))).digest('hex').slice(0, 32).toUpperCase();
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` };
  }
  return { paths };
}
