// Rule 3 of src/redact.ts: a secret param's value is replaced wherever a string carries it,
// without blanking unrelated text when the value is short.
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/redact.js';

describe('redacting known secret values', () => {
  it('replaces the value inside any string, at any depth, and leaves keys and other values alone', () => {
    const record = { t: 'plan', changes: [{ target: 'https://user:hunter2-xyz@host/x', summary: 'login as hunter2-xyz' }], hunter2: 'kept' };
    expect(redact(record, new Set(), ['hunter2-xyz'])).toEqual({ t: 'plan', changes: [{ target: 'https://user:<redacted>@host/x', summary: 'login as <redacted>' }], hunter2: 'kept' });
  });

  it('replaces a short value only where it is the whole string', () => {
    expect(redact({ a: 'abc', b: 'abcdef', c: ['abc'] }, new Set(), ['abc'])).toEqual({ a: '<redacted>', b: 'abcdef', c: ['<redacted>'] });
  });
});
