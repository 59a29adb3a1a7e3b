// Text rendering of preflight results and plans: a diff a person can review in seconds.
import type { PlannedChange } from '../step/define-step.js';
import type { PlanEntry } from '../engine/plan.js';
import { countChanges } from '../engine/plan.js';
import type { PreflightOutcome } from '../engine/preflight.js';

const SIGN: Record<PlannedChange['op'], string> = { create: '+', update: '~', delete: '-', action: '!', noop: '=' };

export function formatPreflight(pre: PreflightOutcome): string {
  if (!pre.results.length) return 'Preflight: no checks\n';
  // One unreachable cluster fails every check the same way: say it once, naming them all.
  const groups = new Map<string, { r: (typeof pre.results)[number]; sources: string[] }>();
  for (const r of pre.results) {
    const key = `${r.ok}\0${r.message}\0${r.hint ?? ''}`;
    const g = groups.get(key);
    if (g) g.sources.push(r.source);
    else groups.set(key, { r, sources: [r.source] });
  }
  const lines = [...groups.values()].map(({ r, sources }) => `  ${r.ok ? 'ok  ' : 'FAIL'} ${r.message}${!r.ok && r.hint ? `\n         hint: ${r.hint}` : ''}  [${sources.join(', ')}]`);
  return `Preflight: ${pre.ok ? 'all checks passed' : 'FAILED, nothing was changed'}\n${lines.join('\n')}\n`;
}

function formatValue(v: unknown): string {
  if (v === undefined) return '(none)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function formatChange(c: PlannedChange): string {
  const detail = c.op === 'update' && (c.before !== undefined || c.after !== undefined) ? ` (${formatValue(c.before)} -> ${formatValue(c.after)})` : '';
  return `${SIGN[c.op]} ${c.op.padEnd(6)} ${c.target}: ${c.summary}${detail}`;
}

/** The planned steps a rollback would not undo, among those that will act. */
export function cannotBeUndone(entries: readonly PlanEntry[]): PlanEntry[] {
  const acts = (e: PlanEntry) => Boolean(e.deferred) || e.changes.some((c) => c.op !== 'noop');
  return entries.filter((e) => e.cannotUndo && acts(e));
}

export function formatPlan(runbook: string, entries: readonly PlanEntry[], digest?: string): string {
  const out = [`Plan for ${runbook}${digest ? ` (digest ${digest.slice(0, 12)})` : ''}:`];
  for (const e of entries) {
    const flag = e.destructive ? ' [needs confirmation]' : '';
    out.push(`  ${e.title}  (${e.uses})${flag}`);
    if (e.skipped) out.push(`      skipped: ${e.skipped}`);
    else if (e.deferred) out.push(`      planned at run time: ${e.deferred}${e.readsOnly ? ' (it only reads)' : ''}`);
    else if (!e.changes.length) out.push('      nothing to do');
    for (const c of e.changes) out.push(`      ${formatChange(c)}`);
  }
  const n = countChanges(entries);
  for (const e of cannotBeUndone(entries)) out.push(`Cannot be undone: ${e.key} (${e.uses}): ${e.cannotUndo}.`);
  const changing = n.create + n.update + n.delete + n.action;
  // A step planned at run time may still change things: never "nothing to change" then, unless
  // all it may do is read (a wait).
  const later = entries.filter((e) => e.deferred && !e.skipped && !e.readsOnly).length;
  out.push(
    changing === 0 && later === 0
      ? 'Nothing to change: the cluster already matches this runbook.'
      : `Summary: ${n.create} to create, ${n.update} to update, ${n.delete} to delete, ${n.action} actions, ${n.noop} unchanged${later ? `, ${later} planned at run time` : ''}.`,
  );
  return out.join('\n') + '\n';
}
