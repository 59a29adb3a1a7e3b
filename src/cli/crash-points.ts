// TEST-ONLY crash points for the crash matrix (test/crash): the process kills itself with
// SIGKILL right after its Nth journal record is on disk (RUNBOOK_TEST_CRASH_AFTER_RECORD=N), or
// right after its Nth write call to a cluster returned (RUNBOOK_TEST_CRASH_AFTER_WRITE=N), the
// way a power cut or an OOM kill would stop it. Without those variables nothing here runs.
import type { AdapterName } from '../adapters/ports.js';
import type { AdapterProvider } from '../engine/adapters.js';
import type { CliIO } from './io.js';

interface CrashPoints {
  /** Counts journal records: give it to the engine's onJournalRecord. */
  onJournalRecord(): void;
  /** The same adapters, counting every call that may change something. */
  adapters(inner: AdapterProvider): AdapterProvider;
}

const READS = /^(get|list|watch|read|find|can|version|discover)/i;

function positive(value: string | undefined): number | undefined {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : undefined;
}

function counting(adapter: object, tick: () => void): object {
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      // Called on the adapter itself: its private state is not on the proxy.
      if (typeof prop !== 'string' || READS.test(prop)) return (value as (...a: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        const result: unknown = await (value as (...a: unknown[]) => unknown).apply(target, args);
        tick();
        return result;
      };
    },
  });
}

export function crashPoints(io: CliIO): CrashPoints | undefined {
  const afterRecord = positive(io.env.RUNBOOK_TEST_CRASH_AFTER_RECORD);
  const afterWrite = positive(io.env.RUNBOOK_TEST_CRASH_AFTER_WRITE);
  if ((!afterRecord && !afterWrite) || !io.crash) return undefined;
  const crash = io.crash;
  let records = 0;
  let writes = 0;
  return {
    onJournalRecord: () => {
      if (++records === afterRecord) crash();
    },
    adapters: (inner) => ({
      reader: (names) => inner.reader(names),
      async writer<A extends AdapterName>(names: readonly A[]) {
        const made = (await inner.writer(names)) as Record<string, object>;
        const tick = () => {
          if (++writes === afterWrite) crash();
        };
        return Object.fromEntries(Object.entries(made).map(([k, v]) => [k, counting(v, tick)])) as never;
      },
    }),
  };
}
