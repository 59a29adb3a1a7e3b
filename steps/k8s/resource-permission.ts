// RBAC resource of an arbitrary kind, for steps that take apiVersion/kind as params: the API
// group from the apiVersion, the plural as the API server's default (RESTMapper) forms it.
import type { Permission } from '../../src/step/define-step.js';
import { kube } from './permissions.js';

const IRREGULAR: Record<string, string> = { endpoints: 'endpoints', ingress: 'ingresses' };

function pluralOf(kind: string): string {
  const k = kind.toLowerCase();
  if (IRREGULAR[k]) return IRREGULAR[k];
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  return `${k}s`;
}

export function apiGroupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
}

export function resourcePermission(apiVersion: string, kind: string, verbs: readonly string[]): Permission {
  return kube(pluralOf(kind), verbs, apiGroupOf(apiVersion));
}
