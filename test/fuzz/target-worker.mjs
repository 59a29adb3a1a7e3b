// Runs one fuzz case at a time against the built code (dist/), in a worker thread, so the test's
// main thread can stop a case that hangs (a synchronous loop cannot be interrupted in-thread).
// Plain JavaScript: a worker thread loads files as Node does, without vitest's TypeScript.
import { parentPort } from 'node:worker_threads';
import { parseRunbook } from '../../dist/src/runbook/load.js';
import { ExpressionError, evaluate, parseExpression } from '../../dist/src/runbook/expressions.js';
import { coerceParams } from '../../dist/src/runbook/params.js';
import { parseDuration } from '../../dist/src/runbook/duration.js';
import { builtinRegistry } from '../../dist/steps/index.js';

const registry = builtinRegistry();

const TARGETS = {
  runbook: (text) => {
    const { runbook, diagnostics } = parseRunbook(text, 'fuzz.yaml', registry);
    return { valid: runbook !== undefined, diagnostics };
  },
  expression: (src) => {
    try {
      const expr = parseExpression(src);
      // A parsed expression must evaluate without throwing, whatever the scope holds.
      evaluate(expr, { params: { a: 1, l: [1, 'x'], s: 'text' }, steps: {}, item: null });
      return { ok: true };
    } catch (e) {
      if (e instanceof ExpressionError) return { userError: e.message, offset: e.offset };
      throw e;
    }
  },
  params: ({ specs, raw }) => coerceParams({ params: specs }, raw),
  duration: (text) => {
    try {
      return { ms: parseDuration(text) };
    } catch (e) {
      // parseDuration's user errors are plain Errors that say what to write.
      if (e instanceof Error && e.constructor === Error) return { userError: e.message };
      throw e;
    }
  },
};

parentPort.on('message', ({ id, target, input }) => {
  try {
    parentPort.postMessage({ id, result: TARGETS[target](input) });
  } catch (e) {
    parentPort.postMessage({ id, crash: `${e?.name}: ${e?.message}\n${e?.stack ?? ''}` });
  }
});
