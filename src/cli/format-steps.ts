// `runbook describe --steps`: every step type with what it takes in `with:`.
import type { StepTypeInfo } from '../runbook/step-catalog.js';

function flags(s: StepTypeInfo): string {
  const f = [s.destructive === true ? 'destructive: asks for confirmation' : s.destructive === 'depends on params' ? 'destructive depending on params' : '', s.irreversible ? 'cannot be undone' : ''].filter(Boolean);
  return f.length ? `  [${f.join('; ')}]` : '';
}

export function formatStepCatalog(steps: readonly StepTypeInfo[]): string {
  const out: string[] = [];
  for (const s of steps) {
    out.push(`${s.type}${flags(s)}`, `    ${s.description}`);
    const width = Math.max(0, ...s.fields.map((f) => f.name.length));
    for (const f of s.fields) {
      const extra = f.required ? ' (required)' : f.default !== undefined ? ` (default ${typeof f.default === 'string' ? f.default : JSON.stringify(f.default)})` : '';
      out.push(`      ${f.name.padEnd(width)}  ${f.type}${extra}`);
    }
    if (!s.fields.length) out.push('      (no parameters)');
    out.push('');
  }
  out.push('Any `with:` value may also be one ${{ }} expression. Details: runbook describe --steps --output json');
  return `${out.join('\n')}\n`;
}
