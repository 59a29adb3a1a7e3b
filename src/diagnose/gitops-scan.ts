// Reserved PriorityClass names in a GitOps checkout: a `kind: PriorityClass` named system-*
// (the apiserver refuses it, so Flux fails the whole Kustomization) or a `priorityClassName:
// system-...` other than the two built-in classes, with file and line.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isMap, isScalar, LineCounter, parseAllDocuments, visit } from 'yaml';
import type { GitopsHit } from './types.js';

const BUILTIN_PRIORITY_CLASSES: readonly string[] = ['system-cluster-critical', 'system-node-critical'];

export function isReservedName(name: string): boolean {
  return name.startsWith('system-') && !BUILTIN_PRIORITY_CLASSES.includes(name);
}

const SKIP_DIRS = new Set(['.git', 'node_modules']);

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) out.push(...(await yamlFiles(path)));
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/** The hits in one file's text (multi-document YAML; a broken document is skipped). */
export function scanYamlText(text: string, file: string): GitopsHit[] {
  const lines = new LineCounter();
  const hits: GitopsHit[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter: lines })) {
    if (doc.errors.length) continue;
    const root = doc.contents;
    if (isMap(root) && doc.get('kind') === 'PriorityClass') {
      const name = doc.getIn(['metadata', 'name'], true);
      if (isScalar(name) && typeof name.value === 'string' && isReservedName(name.value)) {
        hits.push({ file, line: lines.linePos(name.range?.[0] ?? 0).line, name: name.value, via: 'PriorityClass' });
      }
    }
    visit(doc, {
      Pair(_, pair) {
        if (!isScalar(pair.key) || pair.key.value !== 'priorityClassName' || !isScalar(pair.value)) return;
        const value = pair.value.value;
        if (typeof value === 'string' && isReservedName(value)) {
          hits.push({ file, line: lines.linePos(pair.value.range?.[0] ?? 0).line, name: value, via: 'priorityClassName' });
        }
      },
    });
  }
  return hits;
}

export async function scanGitops(dir: string): Promise<GitopsHit[]> {
  const hits: GitopsHit[] = [];
  for (const path of await yamlFiles(dir)) hits.push(...scanYamlText(await readFile(path, 'utf8'), relative(dir, path)));
  return hits;
}
