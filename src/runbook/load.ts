// load -> validate -> normalise: text in, a `Runbook` or every problem out, each as
// `file:line:col` (DESIGN section 2). Never throws for a user's mistake.
import type { StepRegistry } from '../step/define-step.js';
import { readText } from '../shipped.js';
import type { Diagnostic } from '../errors.js';
import { normalize } from './normalize.js';
import { checkRules } from './rules.js';
import { runbookSchema } from './schema.js';
import type { Problem } from './schema-issues.js';
import { schemaProblems } from './schema-issues.js';
import type { Runbook, RunbookSource } from './types.js';
import { positionOf } from './types.js';
import { readYaml } from './yaml-source.js';

interface LoadResult {
  runbook?: Runbook;
  /** Errors and warnings, in file order. */
  diagnostics: Diagnostic[];
}

function toDiagnostic(source: RunbookSource, p: Problem): Diagnostic {
  const pos = positionOf(source, p.path);
  return {
    file: source.file,
    line: pos.line,
    col: pos.col,
    path: p.path,
    severity: p.severity ?? 'error',
    message: p.message,
    ...(p.hint ? { hint: p.hint } : {}),
  };
}

function dedupeAndSort(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds
    .filter((d) => {
      const k = `${d.line}:${d.col}:${d.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.col - b.col);
}

export function parseRunbook(text: string, file: string, registry: StepRegistry): LoadResult {
  const read = readYaml(text, file);
  const source: RunbookSource = { file, text, positions: read.positions };
  if (read.error) {
    return { diagnostics: [{ file, line: read.error.line, col: read.error.col, path: '', severity: 'error', message: read.error.message }] };
  }
  if (typeof read.value !== 'object' || read.value === null || Array.isArray(read.value)) {
    return { diagnostics: [{ file, line: 1, col: 1, path: '', severity: 'error', message: 'a runbook is a YAML mapping with apiVersion, name, description and steps' }] };
  }
  const parsed = runbookSchema.safeParse(read.value);
  const problems = [...(parsed.success ? [] : schemaProblems(read.value, parsed.error.issues)), ...checkRules(read.value, registry)];
  const diagnostics = dedupeAndSort(problems.map((p) => toDiagnostic(source, p)));
  if (!parsed.success || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { runbook: normalize(parsed.data, source), diagnostics };
}

export async function loadRunbookFile(file: string, registry: StepRegistry): Promise<LoadResult> {
  let text: string;
  try {
    text = readText(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a runbook file' : `cannot read: ${(e as Error).message}`;
    return { diagnostics: [{ file, line: 1, col: 1, path: '', severity: 'error', message }] };
  }
  return parseRunbook(text, file, registry);
}
