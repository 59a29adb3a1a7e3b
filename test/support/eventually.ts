// The one way a test waits for something another process, server or timer does: poll a
// condition, bounded, and fail naming what was awaited and what was last seen. Never a sleep
// sized to "long enough" (too short on a loaded CI machine, too long everywhere else).

export interface EventuallyOptions {
  /** What is awaited, for the failure message ("the hold step to start"). */
  what?: string;
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Calls `probe` until it returns a truthy value (or one `until` accepts), and returns that
 * value. A probe that throws is tried again (a file not written yet, a server not listening
 * yet); after `timeoutMs` the wait fails with the last value or error the probe gave.
 */
export function eventually<T>(probe: () => T | Promise<T>, options: EventuallyOptions & { until: (value: T) => boolean }): Promise<T>;
export function eventually<T>(probe: () => T | Promise<T>, options?: EventuallyOptions | string): Promise<NonNullable<T>>;
export async function eventually<T>(probe: () => T | Promise<T>, options: (EventuallyOptions & { until?: (value: T) => boolean }) | string = {}): Promise<T> {
  const { what = 'the condition', timeoutMs = 15_000, intervalMs = 25, until = Boolean } = typeof options === 'string' ? { what: options } : options;
  const end = Date.now() + timeoutMs;
  let last: { value: unknown } | { error: unknown } = { value: undefined };
  for (;;) {
    try {
      const value = await probe();
      if (until(value)) return value;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${describe(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function describe(last: { value: unknown } | { error: unknown }): string {
  if ('error' in last) return `last error: ${last.error instanceof Error ? last.error.message : String(last.error)}`;
  const text = typeof last.value === 'string' ? last.value : JSON.stringify(last.value);
  return `last value: ${text === undefined ? 'undefined' : text.length > 2000 ? `${text.slice(0, 2000)}…` : text}`;
}
