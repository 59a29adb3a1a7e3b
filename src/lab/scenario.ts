// Loads a lab scenario by name (shipped in src/lab/scenarios/NAME.yaml) or by path, and checks
// it: first its shape (zod), then its references (VMs, nodes, namespaces), so a typo in a
// user's scenario fails at load time with a precise message instead of as an odd lab state.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { RunbookError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { inExecutable, readText, shippedFile } from '../shipped.js';
import { scenarioSchema, type Scenario } from './scenario-schema.js';
import { scaleScenario } from './scenario-scale.js';

export const DEFAULT_SCENARIO = 'incident-2025-08';

/** The scenarios directory: from the package root, since tsc does not copy YAML into dist/. */
function scenariosDir(): string {
  try {
    return join(packageRoot(), 'src', 'lab', 'scenarios');
  } catch {
    // packageRoot() wants runbooks/ too; without it (a bare checkout), walk up to package.json.
    let dir = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
    return join(dir, 'src', 'lab', 'scenarios');
  }
}

export function resolveScenarioPath(nameOrPath: string): string {
  if (/[/\\]|\.ya?ml$/.test(nameOrPath)) return nameOrPath;
  return inExecutable ? shippedFile(`src/lab/scenarios/${nameOrPath}.yaml`) : join(scenariosDir(), `${nameOrPath}.yaml`);
}

function fail(source: string, message: string): never {
  throw new RunbookError('E_SCENARIO', `scenario ${source}: ${message}`);
}

/** Cross-reference checks the schema cannot express. */
function checkReferences(s: Scenario, source: string): void {
  const pveNodes = new Set(s.proxmox.nodes.map((n) => n.name));
  const vmids = new Set<number>();
  for (const vm of s.proxmox.vms) {
    if (!pveNodes.has(vm.node)) fail(source, `VM ${vm.vmid} is on unknown Proxmox node "${vm.node}"`);
    if (vmids.has(vm.vmid)) fail(source, `VM ${vm.vmid} is declared twice`);
    vmids.add(vm.vmid);
  }
  const nodes = new Set<string>();
  for (const n of s.kubernetes.nodes) {
    if (nodes.has(n.name)) fail(source, `node ${n.name} is declared twice`);
    nodes.add(n.name);
    if (n.vm === 'absent') {
      if (n.vmid !== undefined && vmids.has(n.vmid)) fail(source, `node ${n.name} has vm: absent but VM ${n.vmid} exists`);
    } else if (n.vmid === undefined || !vmids.has(n.vmid)) fail(source, `node ${n.name} needs the vmid of an existing VM (or vm: absent)`);
  }
  const namespaces = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', ...s.kubernetes.namespaces]);
  const needNs = (ns: string, what: string) => namespaces.has(ns) || fail(source, `${what} is in undeclared namespace "${ns}"`);
  const needNode = (node: string, what: string) => nodes.has(node) || fail(source, `${what} refers to unknown node "${node}"`);
  for (const w of s.kubernetes.workloads) {
    needNs(w.namespace, `${w.kind} ${w.name}`);
    if (w.nodeName) needNode(w.nodeName, `${w.kind} ${w.name}`);
    for (const n of w.nodes ?? []) needNode(n, `${w.kind} ${w.name}`);
    const declared = new Set(s.kubernetes.volumes.filter((v) => v.namespace === w.namespace).map((v) => v.claim));
    for (const c of w.claims ?? []) if (!declared.has(c)) fail(source, `${w.kind} ${w.name} mounts claim "${c}" that is not declared under volumes`);
    if (w.kind === 'DaemonSet' && w.replicas !== undefined) fail(source, `DaemonSet ${w.name} cannot have replicas (it runs one pod per node)`);
  }
  for (const v of s.kubernetes.volumes) {
    needNs(v.namespace, `PVC ${v.claim}`);
    needNode(v.node, `PVC ${v.claim}`);
  }
  for (const p of s.kubernetes.pdbs) needNs(p.namespace, `PDB ${p.name}`);
  for (const hr of s.kubernetes.flux.helmReleases ?? []) needNs(hr.namespace, `HelmRelease ${hr.name}`);
  for (const k of s.kubernetes.flux.kustomizations ?? []) needNs(k.namespace, `Kustomization ${k.name}`);
}

/** Parses and validates scenario YAML text; `source` names it in error messages. */
export function parseScenario(text: string, source: string): Scenario {
  let raw: unknown;
  try {
    raw = load(text);
  } catch (e) {
    fail(source, `invalid YAML: ${(e as Error).message}`);
  }
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    fail(source, issues);
  }
  checkReferences(parsed.data, source);
  return parsed.data;
}

/** Loads a scenario by name (shipped), `scale:N` (generated) or path. */
export function loadScenario(nameOrPath: string = DEFAULT_SCENARIO): Scenario {
  const generated = scaleScenario(nameOrPath);
  if (generated) {
    checkReferences(generated, nameOrPath);
    return generated;
  }
  const path = resolveScenarioPath(nameOrPath);
  let text: string;
  try {
    text = readText(path);
  } catch {
    fail(nameOrPath, `not found (looked for ${path})`);
  }
  return parseScenario(text, nameOrPath);
}
