// A Helm upgrade against the lab: what would fail (the apiserver's refusal, or Helm's wait
// timing out because the pods never become ready) and, when it succeeds, the rendered pod
// template applied to the workload with its pods replaced, as the DaemonSet controller's
// RollingUpdate does (workloads.ts then creates the new pods from the template).
import { KubeStatusError } from '../kube/status.js';
import { typeOf } from '../kube/object-meta.js';
import { validate } from '../kube/validation.js';
import { isNodeReady } from '../kubelet/node-model.js';
import { containerUsage, memoryLimitMiB, type ContainerSpec } from '../kubelet/pod-model.js';
import type { ControllerContext, KubeObject } from '../kubelet/types.js';
import { findWorkload, type RenderedWorkload } from './helm-values.js';

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { containers?: ContainerSpec[]; priorityClassName?: string; [k: string]: unknown };
}

function templateOf(o: KubeObject): PodTemplate {
  return ((o.spec as { template?: PodTemplate } | undefined)?.template ?? {}) as PodTemplate;
}

/** The template with the rendered resources and priorityClassName. */
function renderedTemplate(current: PodTemplate, w: RenderedWorkload): PodTemplate {
  const t = structuredClone(current);
  const spec = (t.spec ??= {});
  spec.containers = (spec.containers ?? []).map((c) => {
    if (!(c.name in w.resources)) return c;
    const r = w.resources[c.name];
    const { resources: _old, ...rest } = c;
    return r ? { ...rest, resources: r } : { ...rest, resources: {} };
  });
  if (w.priorityClassName) spec.priorityClassName = w.priorityClassName;
  else delete spec.priorityClassName;
  return t;
}

/**
 * The apiserver's answer to pods naming the class: a `system-` name other than the built-in
 * ones can never exist (PriorityClass validation, the lab's validation.ts text); any other
 * missing name is refused by the Priority admission plugin
 * (plugin/pkg/admission/priority/admission.go: `no PriorityClass with name %v was found`,
 * the pod named by its generateName as admission.NewForbidden does).
 */
function priorityClassError(ctx: ControllerContext, name: string, podPrefix: string): string | undefined {
  if (ctx.store.get('scheduling.k8s.io/v1', 'PriorityClass', name)) return undefined;
  if (name.startsWith('system-')) {
    try {
      validate(typeOf('scheduling.k8s.io/v1', 'PriorityClass'), { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value: 1_000_000 });
    } catch (e) {
      if (e instanceof KubeStatusError) return e.message;
      throw e;
    }
  }
  return `pods "${podPrefix}-" is forbidden: no PriorityClass with name ${name} was found`;
}

/** Helm's error for this upgrade, or undefined when it would succeed. */
export function upgradeError(ctx: ControllerContext, rendered: RenderedWorkload[]): string | undefined {
  for (const w of rendered) {
    const obj = findWorkload(ctx.store.list(w.apiVersion, w.kind, { namespace: w.namespace }), w);
    if (!obj) continue;
    if (w.priorityClassName) {
      const refused = priorityClassError(ctx, w.priorityClassName, obj.metadata.name);
      if (refused) return refused;
    }
    // Helm waits (kstatus, fluxcd/pkg/ssa WaitForSetWithContext) for the new pods: a container
    // the cgroup kills (its usage above its new limit) or the leaking one left unlimited keeps
    // the workload InProgress until the timeout.
    const t = renderedTemplate(templateOf(obj), w);
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}) }, spec: t.spec ?? {} };
    const usage = containerUsage(pod);
    const unhealthy = (t.spec?.containers ?? []).some((c) => {
      const limit = memoryLimitMiB(c);
      if (limit === undefined) return w.mustLimitMemory.includes(c.name);
      return (usage.get(c.name)?.memoryMiB ?? 0) > limit;
    });
    if (unhealthy) return `timeout waiting for: [${w.kind}/${w.namespace}/${obj.metadata.name} status: 'InProgress']`;
  }
  return undefined;
}

function podDiffers(pod: KubeObject, t: PodTemplate): boolean {
  const spec = (pod.spec ?? {}) as { containers?: ContainerSpec[]; priorityClassName?: string };
  if ((spec.priorityClassName ?? '') !== (t.spec?.priorityClassName ?? '')) return true;
  const want = new Map((t.spec?.containers ?? []).map((c) => [c.name, JSON.stringify(c.resources ?? {})]));
  return (spec.containers ?? []).some((c) => want.has(c.name) && want.get(c.name) !== JSON.stringify(c.resources ?? {}));
}

/** Applies the rendered templates and replaces the pods on live nodes that run the old one. */
export function applyRendered(ctx: ControllerContext, rendered: RenderedWorkload[]): void {
  const readyNodes = new Set(ctx.store.list('v1', 'Node').filter(isNodeReady).map((n) => n.metadata.name));
  for (const w of rendered) {
    const obj = findWorkload(ctx.store.list(w.apiVersion, w.kind, { namespace: w.namespace }), w);
    if (!obj) continue;
    const t = renderedTemplate(templateOf(obj), w);
    ctx.store.mutate(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace, (o) => {
      (o.spec as { template?: PodTemplate }).template = t;
    });
    // A pod on a node that does not answer stays as it is (its kubelet would have to confirm the deletion).
    for (const pod of ctx.store.list('v1', 'Pod', { namespace: w.namespace })) {
      const owned = ((pod.metadata.ownerReferences ?? []) as { uid?: string }[]).some((r) => r.uid === obj.metadata.uid);
      const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
      if (owned && node && readyNodes.has(node) && podDiffers(pod, t)) ctx.store.delete('v1', 'Pod', pod.metadata.name, w.namespace);
    }
  }
}
