// The engine's errors belong to the one error hierarchy (src/errors.ts): each is a RunbookError
// with its code and exit code, and keeps what went wrong underneath as its `cause`.
import { describe, expect, test } from 'vitest';
import { EXIT, RunbookError } from '../../src/errors.js';
import { AbortedError, StepTimeoutError, sleep } from '../../src/engine/retry.js';
import { ExpressionError, parseExpression } from '../../src/runbook/expressions.js';
import { HEAD, adapters, run } from '../steps/fixture.js';

const provider = adapters({});

describe('engine errors are RunbookErrors with a cause', () => {
  test('a failed step: StepFailedError (exit 1) whose cause is the step\'s own error', async () => {
    const out = await run(`${HEAD}steps:\n  - { id: boom, uses: test.fail, with: { reason: kaputt } }\n`, provider);
    const err = out.execution?.error;
    expect(err).toBeInstanceOf(RunbookError);
    expect(err).toMatchObject({ name: 'StepFailedError', code: 'E_STEP_FAILED', exitCode: EXIT.stepFailed, key: 'boom', message: 'step boom failed: kaputt' });
    expect((err?.cause as Error).message).toBe('kaputt');
  });

  test('a step over its timeout: the cause is a StepTimeoutError, itself a RunbookError', async () => {
    const out = await run(`${HEAD}steps:\n  - { id: slow, uses: core.shell, timeout: 50ms, with: { run: "sleep 30", observeOnly: true } }\n`, provider);
    const cause = out.execution?.error?.cause;
    expect(out.execution?.error).toBeInstanceOf(RunbookError);
    expect(cause).toBeInstanceOf(StepTimeoutError);
    expect(cause).toBeInstanceOf(RunbookError);
    expect(cause).toMatchObject({ code: 'E_STEP_TIMEOUT', exitCode: EXIT.stepFailed, timeoutMs: 50, message: 'timed out after 50 ms' });
  });

  test('an interrupted wait: AbortedError, exit 130', async () => {
    const aborted = AbortSignal.abort();
    const err = await sleep(60_000, aborted).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(err).toBeInstanceOf(RunbookError);
    expect(err).toMatchObject({ code: 'E_ABORTED', exitCode: EXIT.interrupted });
  });

  test('a malformed expression: ExpressionError, exit 2, with its offset', () => {
    let err: unknown;
    try {
      parseExpression('params.a ==');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExpressionError);
    expect(err).toBeInstanceOf(RunbookError);
    expect(err).toMatchObject({ name: 'ExpressionError', code: 'E_EXPRESSION', exitCode: EXIT.invalidInput, offset: 11 });
  });
});
