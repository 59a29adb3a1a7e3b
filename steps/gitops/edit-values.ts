// gitops.edit-values: the incident's "set memory limits on FRR in Git" as a reviewed change:
// dot-path edits (missing maps created) and an optional rename of a value used anywhere in the
// file (e.g. a PriorityClass name), written so comments and formatting survive and the Git
// diff shows only the changed lines. Refuses a file with uncommitted changes (they would be
// mixed into ours); undo is the previous text. Commit it with gitops.commit.
import { readFile, writeFile } from 'node:fs/promises';
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import type { PlannedChange } from '../../src/step/define-step.js';
import { dirtyLines } from './git.js';
import { diffLines } from './line-diff.js';
import { repoFile } from './repo-file.js';

const params = z
  .object({
    repo: z.string().min(1),
    file: z.string().min(1),
    edits: z.array(z.object({ path: z.union([z.string().min(1), z.array(z.union([z.string(), z.number()])).min(1)]), value: z.unknown() }).strict()).default([]),
    rename: z.object({ from: z.string().min(1), to: z.string().min(1) }).strict().optional(),
    /** Which YAML document of a multi-document file (0-based); required when there are several. */
    document: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((p) => p.edits.length > 0 || p.rename !== undefined, { message: 'give at least one edit or a rename', path: ['edits'] });

type Params = z.infer<typeof params>;

interface Undo {
  path: string;
  before: string;
  after: string;
}

async function edited(p: Params) {
  const path = repoFile(p.repo, p.file);
  const before = await readFile(path, 'utf8');
  // The YAML library loads on use: the registry (validate, --help) must stay quick.
  const { editYaml } = await import('./yaml-edit.js');
  const result = editYaml(before, p.edits.map((e) => ({ path: e.path, value: e.value })), p.rename, p.document);
  return { path, before, ...result };
}

export const gitopsEditValues = defineStep({
  type: 'gitops.edit-values',
  description: 'Edits a YAML file in a Git working copy (dot-path values, value renames), keeping comments and formatting; undo restores the text.',
  params,
  outputs: z.object({ file: z.string(), changed: z.boolean(), fields: z.array(z.string()), renamed: z.number() }),
  uses: ['shell'],
  destructive: false,
  permissions: [],
  async preflight({ params }) {
    try {
      const r = await edited(params);
      return [{ ok: true, message: `${params.file}: ${r.changes.length} field(s) and ${r.renamed} renamed value(s) to change` }];
    } catch (e) {
      return [{ ok: false, message: `${params.file}: ${e instanceof Error ? e.message : String(e)}` }];
    }
  },
  async plan({ params }) {
    const r = await edited(params);
    const hunks = diffLines(r.before, r.text);
    if (!hunks.length) return [{ op: 'noop', target: `file:${params.file}`, summary: 'already as wanted' }];
    const fields = [...r.changes.map((c) => c.path), ...(r.renamed ? [`${r.renamed}x ${params.rename!.from} -> ${params.rename!.to}`] : [])].join(', ');
    const changes: PlannedChange[] = hunks.map((h) => ({
      op: 'update',
      target: `file:${params.file}:${h.oldStart}`,
      summary: h.header,
      ...(h.removed.length ? { before: h.removed.map((l) => `-${l}`).join('\n') } : {}),
      ...(h.added.length ? { after: h.added.map((l) => `+${l}`).join('\n') } : {}),
    }));
    changes[0]!.summary = `${changes[0]!.summary} ${fields}${r.reformatted ? ' (reformatted: a structural edit went through the YAML model)' : ''}`;
    return changes;
  },
  async apply({ params, adapters, saveObject, signal, log }) {
    const dirty = await dirtyLines(adapters.shell, params.repo, [params.file], signal);
    if (dirty.length) throw new Error(`${params.file} has uncommitted changes (${dirty.join('; ')}): commit or discard them first`);
    const r = await edited(params);
    const outputs = { file: params.file, changed: r.text !== r.before, fields: r.changes.map((c) => c.path), renamed: r.renamed };
    if (r.text === r.before) return { outputs, undo: null };
    await saveObject({ source: 'file', ref: r.path, object: r.before });
    await writeFile(r.path, r.text);
    log(`edited ${params.file}: ${outputs.fields.join(', ')}${r.renamed ? ` and ${r.renamed} renamed value(s)` : ''}`);
    const undo: Undo = { path: r.path, before: r.before, after: r.text };
    return { outputs, undo };
  },
  async verify({ params }) {
    // Editing the result again must change nothing.
    const r = await edited(params);
    return [{ ok: r.text === r.before, message: r.text === r.before ? `${params.file} holds the edited values` : `${params.file} does not hold ${r.changes.map((c) => c.path).join(', ') || 'the renamed values'}` }];
  },
  async rollback(_ctx, undo: Undo | null) {
    if (!undo) return;
    const now = await readFile(undo.path, 'utf8');
    if (now === undo.before) return; // already restored (e.g. a revert of the commit that held it)
    if (now !== undo.after) throw new Error(`${undo.path} changed since it was edited: not overwriting it (its text before the edit is in the journal)`);
    await writeFile(undo.path, undo.before);
  },
});
