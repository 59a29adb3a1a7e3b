// The wait every test uses: it returns what it waited for, retries a probe that throws, and
// fails with what it was waiting for and what it last saw.
import { describe, expect, it } from 'vitest';
import { eventually } from './eventually.js';

describe('eventually', () => {
  it('returns the first value the condition accepts, retrying a probe that throws', async () => {
    let calls = 0;
    const value = await eventually(() => {
      calls += 1;
      if (calls < 3) throw new Error('not yet');
      return calls < 5 ? 0 : calls;
    }, { intervalMs: 1 });
    expect(value).toBe(5);
    expect(await eventually(() => ({ status: 'stopped' }), { until: (s) => s.status === 'stopped' })).toEqual({ status: 'stopped' });
  });

  it('fails after its timeout naming what it awaited and the last value', async () => {
    await expect(eventually(() => ({ phase: 'Pending' }), { what: 'the pod to run', timeoutMs: 30, intervalMs: 5, until: (p) => p.phase === 'Running' }))
      .rejects.toThrow(/^timed out after 30 ms waiting for the pod to run; last value: \{"phase":"Pending"\}$/);
  });

  it('fails with the last error when the probe never stopped throwing', async () => {
    await expect(eventually(() => { throw new Error('ENOENT: no journal yet'); }, { what: 'the journal', timeoutMs: 30, intervalMs: 5 }))
      .rejects.toThrow(/waiting for the journal; last error: ENOENT: no journal yet$/);
  });
});
