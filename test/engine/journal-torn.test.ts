// A crash can cut the journal's last line short. Reading skips it; the next append (a resume's
// or rollback's first record) must land on a line of its own, not glued to the torn text.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Journal, readJournal } from '../../src/engine/journal.js';
import { runsDir } from '../../src/engine/state-dir.js';

const RUN = '20261204-120000Z-torn';
const started = { t: 'run-started', runbook: 'drain-node', runId: RUN, params: {}, digest: 'd', time: '2026-12-04T12:00:00.000Z' };

function journalWith(text: string): string {
  const stateDir = mkdtempSync(join(tmpdir(), 'journal-torn-'));
  mkdirSync(runsDir(stateDir), { recursive: true });
  appendFileSync(join(runsDir(stateDir), `${RUN}.jsonl`), text);
  return stateDir;
}

describe('a torn last journal line', () => {
  test.each([
    ['cut mid-record', `${JSON.stringify(started)}\n{"t":"step-started","key":"dra`],
    ['cut before its newline', `${JSON.stringify(started)}\n${JSON.stringify({ t: 'step-started', key: 'drain', time: 'x' })}`],
  ])('%s: the next append is on its own line and read back', async (_what, text) => {
    const stateDir = journalWith(text);
    const before = await readJournal(stateDir, RUN);
    const journal = await Journal.create(stateDir, RUN);
    await journal.append({ t: 'run-finished', status: 'rolled-back', exitCode: 1 } as never);
    await journal.close();
    const after = await readJournal(stateDir, RUN);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length)).toEqual([expect.objectContaining({ t: 'run-finished', status: 'rolled-back' })]);
    // The torn text is kept (evidence), fenced on its own line.
    expect(readFileSync(join(runsDir(stateDir), `${RUN}.jsonl`), 'utf8').startsWith(`${text}\n{"t":"run-finished"`)).toBe(true);
  });

  test('an intact journal gets no extra blank line', async () => {
    const text = `${JSON.stringify(started)}\n`;
    const stateDir = journalWith(text);
    const journal = await Journal.create(stateDir, RUN);
    await journal.append({ t: 'run-finished', status: 'succeeded', exitCode: 0 } as never);
    await journal.close();
    expect(readFileSync(join(runsDir(stateDir), `${RUN}.jsonl`), 'utf8')).toMatch(new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\{"t":"run-finished"[^\\n]*\\n$`));
  });
});
