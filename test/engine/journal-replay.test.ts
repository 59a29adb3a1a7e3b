// What a rollback or resume reads from a journal after a crash: the step the process died in
// counts from its last checkpoint, and a step applied by two processes keeps both undos.
import { describe, expect, it } from 'vitest';
import { appliedFromJournal } from '../../src/engine/journal-replay.js';
import type { JournalRecord } from '../../src/engine/journal-records.js';

const started = (key: string, params: unknown = { node: key }): JournalRecord => ({ t: 'step-started', key, stepId: key, uses: 'k8s.cordon', attempt: 1, params });
const run = (mode: 'run' | 'resume'): JournalRecord => ({ t: 'run-started', runId: 'r', runbook: 'rb', file: 'f', digest: 'd', params: {}, mode, pid: 1 });
const applied = (key: string, undo: unknown): JournalRecord => ({ t: 'step-applied', key, stepId: key, uses: 'k8s.cordon', params: { node: key }, outputs: {}, undo });

describe('appliedFromJournal', () => {
  it('the step a process died in is a partial apply from its last checkpoint, with its params', () => {
    const records: JournalRecord[] = [run('run'), started('a'), applied('a', { n: 'a' }), started('b', { node: 'x' }), { t: 'step-checkpoint', key: 'b', undo: { n: 1 } }, { t: 'step-checkpoint', key: 'b', undo: { n: 2 } }];
    expect(appliedFromJournal(records)).toEqual([
      { key: 'a', stepId: 'a', uses: 'k8s.cordon', params: { node: 'a' }, outputs: {}, undo: { n: 'a' } },
      { key: 'b', stepId: 'b', uses: 'k8s.cordon', params: { node: 'x' }, outputs: {}, undo: { n: 2 }, partial: true },
    ]);
  });

  it('a step open without a checkpoint changed nothing to undo', () => {
    expect(appliedFromJournal([run('run'), started('a')])).toEqual([]);
  });

  it('a step open after saving a copy may have deleted it: an entry with nothing to undo (a point of no return still counts)', () => {
    const saved: JournalRecord = { t: 'object-saved', key: 'node', saved: { source: 'kube', ref: 'v1/Node/n', object: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } } } };
    expect(appliedFromJournal([run('run'), started('node'), saved])).toEqual([{ key: 'node', stepId: 'node', uses: 'k8s.cordon', params: { node: 'node' }, outputs: {}, undo: null, partial: true }]);
  });

  it('a step resumed after a crash keeps the crashed attempt and the new one, in that order', () => {
    const records: JournalRecord[] = [run('run'), started('a'), { t: 'step-checkpoint', key: 'a', undo: { was: false } }, run('resume'), started('a'), applied('a', null)];
    expect(appliedFromJournal(records).map((e) => [e.key, e.undo, e.partial ?? false])).toEqual([
      ['a', { was: false }, true],
      ['a', null, false],
    ]);
  });

  it('a step applied, not verified, then applied again by a resume keeps both undos', () => {
    const records: JournalRecord[] = [run('run'), started('a'), applied('a', { was: false }), run('resume'), started('a'), applied('a', null)];
    expect(appliedFromJournal(records).map((e) => e.undo)).toEqual([{ was: false }, null]);
  });

  it('a checkpointed failure is counted once (its partial step-applied), and rolled-back keys are gone', () => {
    const records: JournalRecord[] = [
      run('run'),
      started('a'),
      { t: 'step-checkpoint', key: 'a', undo: { n: 1 } },
      { ...applied('a', { n: 1 }), partial: true } as JournalRecord,
      { t: 'step-failed', key: 'a', error: 'boom', phase: 'apply', continued: false },
      started('b'),
      applied('b', { n: 'b' }),
      { t: 'step-rolled-back', key: 'b' },
    ];
    expect(appliedFromJournal(records)).toEqual([{ key: 'a', stepId: 'a', uses: 'k8s.cordon', params: { node: 'a' }, outputs: {}, undo: { n: 1 }, partial: true }]);
  });
});
