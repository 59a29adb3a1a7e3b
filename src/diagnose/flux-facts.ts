// Flux readiness and the Kustomization dependency chain, traced from a blocked Kustomization
// to the root that is not Ready for a reason of its own.
import type { KubeObject } from '../adapters/ports.js';
import { conditionOf, nsName } from './objects.js';

export function readyText(obj: KubeObject): string {
  const c = conditionOf(obj, 'Ready');
  return c ? `Ready=${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}` : 'no Ready condition';
}

export function isReady(obj: KubeObject): boolean {
  return conditionOf(obj, 'Ready')?.status === 'True';
}

export function isSuspended(obj: KubeObject): boolean {
  return (obj.spec as { suspend?: boolean } | undefined)?.suspend === true;
}

function dependsOnKeys(k: KubeObject): string[] {
  const deps = (k.spec as { dependsOn?: Array<{ name: string; namespace?: string }> } | undefined)?.dependsOn ?? [];
  return deps.map((d) => `${d.namespace ?? k.metadata.namespace}/${d.name}`);
}

export function isBlocked(k: KubeObject): boolean {
  return conditionOf(k, 'Ready')?.reason === 'DependencyNotReady';
}

/**
 * From a blocked Kustomization, the path to each root: follow not-Ready dependencies while
 * they are themselves blocked. Returns the paths (blocked ... root); a cycle or a missing
 * dependency ends a path there.
 */
export function tracePaths(start: KubeObject, byKey: Map<string, KubeObject>): KubeObject[][] {
  const paths: KubeObject[][] = [];
  const walk = (k: KubeObject, path: KubeObject[]) => {
    const next = dependsOnKeys(k).map((key) => byKey.get(key)).filter((d) => d !== undefined && !isReady(d) && !path.includes(d)) as KubeObject[];
    if (!isBlocked(k) || next.length === 0) {
      paths.push([...path, k]);
      return;
    }
    for (const d of next) walk(d, [...path, k]);
  };
  walk(start, []);
  return paths;
}

/** `HelmRelease/ns/name` references in a message (kustomize-controller's health check failures). */
export function helmReleaseRefs(message: string | undefined): string[] {
  return [...(message ?? '').matchAll(/HelmRelease\/([a-z0-9.-]+)\/([a-z0-9.-]+)/g)].map((m) => `${m[1]}/${m[2]}`);
}

export const keyOf = nsName;
