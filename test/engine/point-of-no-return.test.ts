// The rollback contract for steps that cannot be undone (docs/decisions.md, "point of no
// return"): a rollback stops at a step marked pointOfNoReturn and keeps it and every earlier
// step; irreversible steps are kept; keeping is journaled, so a later `rollback` has nothing
// left to do; the confirmation says so before the step runs. Through the real engine and journal.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from '../../src/zod.js';
import { appliedFromJournal } from '../../src/engine/journal-replay.js';
import { createRegistry, defineStep, type StepDefinition } from '../../src/step/define-step.js';
import type { JournalRecord } from '../../src/engine/journal-records.js';
import { runRunbook, type RunOptions } from '../../src/engine/run.js';
import { EXIT } from '../../src/errors.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { adapters, log, resetLog, tempDir, testSteps } from './harness.js';
import { coreShell } from '../../steps/core/shell.js';

/** Records apply/rollback like test.record, with the undo contract set per test. */
function recorder(type: string, extra: Partial<StepDefinition>) {
  return defineStep({
    type,
    description: `${type}: records apply and rollback`,
    params: z.object({ name: z.string() }),
    uses: [],
    destructive: true,
    permissions: [],
    async plan({ params }) {
      return [{ op: 'delete', target: `thing/${params.name}`, summary: 'delete it' }];
    },
    async apply({ params }) {
      log.push(`+${params.name}`);
      return { undo: { name: params.name } };
    },
    async rollback(_ctx, undo: { name: string }) {
      log.push(`-${undo.name}`);
    },
    ...extra,
  }) as unknown as StepDefinition;
}

const registry = createRegistry([...testSteps, coreShell, recorder('test.no-return', { pointOfNoReturn: 'the thing is gone for good' }), recorder('test.irreversible', { irreversible: true })]);

async function run(yaml: string, confirm: RunOptions['confirm'] = async () => true) {
  const { runbook, diagnostics } = parseRunbook(yaml, 'test.yaml', registry);
  if (!runbook) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const outcome = await runRunbook({ runbook, registry, adapters: adapters(), stateDir: tempDir(), confirm, interactive: true, yes: false, onInterrupt: async () => 'rollback', params: {} } as unknown as RunOptions);
  const records = readFileSync(outcome.journalPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as JournalRecord);
  return { outcome, records };
}

const RUNBOOK = (middle: string) => `
apiVersion: runbook.dev/v1
name: t
description: point of no return
steps:
  - { id: a, uses: test.record, with: { name: a } }
  - { id: m, uses: ${middle}, needs: [a], with: { name: m } }
  - { id: b, uses: test.record, needs: [m], with: { name: b } }
  - { id: boom, uses: test.fail, needs: [b], with: { id: boom } }
`;

beforeEach(resetLog);

describe('rollback past a point of no return', () => {
  it('undoes what came after it, keeps it and everything before it, journaled so nothing is left to roll back', async () => {
    const { outcome, records } = await run(RUNBOOK('test.no-return'));
    expect(outcome.status).toBe('rolled-back');
    expect(outcome.exitCode).toBe(EXIT.stepFailed);
    expect(log).toEqual(['+a', '+m', '+b', '-b']);
    expect(outcome.rollback?.kept).toEqual([
      { key: 'm', reason: 'past the point of no return (m): the thing is gone for good' },
      { key: 'a', reason: 'past the point of no return (m): the thing is gone for good' },
    ]);
    expect(records.filter((r) => r.t === 'step-rolled-back')).toEqual([
      expect.objectContaining({ key: 'b' }),
      expect.objectContaining({ key: 'm', kept: expect.stringMatching(/^past the point of no return/) }),
      expect.objectContaining({ key: 'a', kept: expect.stringMatching(/^past the point of no return/) }),
    ]);
    expect(appliedFromJournal(records)).toEqual([]);
  });

  it('keeps an irreversible step and still undoes the steps before it', async () => {
    const { outcome } = await run(RUNBOOK('test.irreversible'));
    expect(outcome.status).toBe('rolled-back');
    expect(log).toEqual(['+a', '+m', '+b', '-b', '-a']);
    expect(outcome.rollback?.kept).toEqual([{ key: 'm', reason: 'irreversible by nature: undo it by hand if needed' }]);
  });

  // core.shell's `irreversible: true` is the author's word for the same thing: kept, said, and
  // the rollback finishes (it used to throw "undo it by hand" and end ROLLBACK INCOMPLETE).
  it('keeps a shell step its author declared irreversible, as its params say', async () => {
    const yaml = RUNBOOK('core.shell').replace('with: { name: m }', 'with: { run: "true", irreversible: true }');
    const { outcome } = await run(yaml);
    expect(outcome.status).toBe('rolled-back');
    expect(outcome.exitCode).toBe(EXIT.stepFailed);
    expect(log).toEqual(['+a', '+b', '-b', '-a']);
    expect(outcome.rollback?.kept).toEqual([{ key: 'm', reason: 'irreversible by nature: undo it by hand if needed' }]);
    const undone = await run(RUNBOOK('core.shell').replace('with: { name: m }', `with: { run: "true", rollback: "true" }`));
    expect(undone.outcome.rollback?.kept).toEqual([]);
  });

  it('the confirmation of such a step says it cannot be undone, and why', async () => {
    const asked: string[] = [];
    await run(RUNBOOK('test.no-return'), async (r) => {
      asked.push(r.message);
      return true;
    });
    expect(asked.find((m) => m.includes('(test.no-return)'))).toBe('Run m (test.no-return)? It changes the cluster. It cannot be undone: point of no return: the thing is gone for good; a rollback keeps it and every step before it.');
  });
});
