// Splitting a list answer into its items without parsing the page at once: every item comes
// out as JSON.parse of the whole page would give it, whatever its strings hold (quotes,
// brackets, escapes, non-ASCII) and wherever `items` stands; a broken page fails as JSON.parse
// fails.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listItems } from '../../src/adapters/kube/list-items.js';

const page = (text: string) => Buffer.from(text, 'utf8');
const asIs = (item: unknown) => item;

describe('listItems', () => {
  it('gives each item and the continue token, items first or last, with any spacing', () => {
    const items = [{ metadata: { name: 'a "quoted" {brace} [bracket] \\ back' } }, { metadata: { name: 'ünïcødé ✓ 🚀' }, n: [1, [2, { x: null }]] }, 'x', 3, true, null];
    const meta = { resourceVersion: '7', continue: 'tok=]}' };
    for (const text of [
      JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: meta, items }),
      JSON.stringify({ items, metadata: meta }),
      JSON.stringify({ kind: 'PodList', metadata: meta, items }, null, 2),
    ]) {
      expect(listItems(page(text), asIs)).toEqual({ metadata: meta, items });
    }
  });

  it('hands each item to keep, in order, and keeps what keep returns', () => {
    const text = JSON.stringify({ metadata: {}, items: [{ metadata: { name: 'a' }, spec: { big: 'x'.repeat(1000) } }, { metadata: { name: 'b' } }] });
    expect(listItems(page(text), (item) => (item as { metadata: { name: string } }).metadata.name).items).toEqual(['a', 'b']);
  });

  it('reads an empty list, a list without items and items: null', () => {
    expect(listItems(page('{"kind":"PodList","metadata":{},"items":[]}'), asIs)).toEqual({ metadata: {}, items: [] });
    expect(listItems(page('{"kind":"PodList"}'), asIs)).toEqual({ items: [] });
    expect(listItems(page('{"items":null,"metadata":{"continue":""}}'), asIs)).toEqual({ metadata: { continue: '' }, items: [] });
    // A repeated key: the last one, as JSON.parse reads it.
    expect(listItems(page('{"items":[1],"items":[2]}'), asIs)).toEqual({ items: [2] });
    expect(listItems(page('{"items":[1],"items":null}'), asIs)).toEqual({ items: [] });
  });

  it('fails on a broken page with the error JSON.parse gives, and keeps nothing of it', () => {
    for (const broken of ['{"items":[{"a":1},{"b":', '{"items":[{"a":1}]}}', 'not json', '{"items":[{"a":1} {"b":2}]}']) {
      const kept: unknown[] = [];
      let expected: unknown;
      try {
        JSON.parse(broken);
      } catch (e) {
        expected = e;
      }
      expect(expected).toBeInstanceOf(SyntaxError);
      expect(() => listItems(page(broken), (item) => kept.push(item))).toThrow((expected as Error).message);
    }
  });

  it('gives exactly what JSON.parse of the whole page gives, for any JSON items (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), fc.string(), fc.boolean(), (items, token, pretty) => {
        const text = JSON.stringify({ kind: 'List', metadata: { continue: token }, items }, null, pretty ? 1 : 0);
        const whole = JSON.parse(text) as { metadata: unknown; items: unknown[] };
        expect(listItems(page(text), asIs)).toEqual({ metadata: whole.metadata, items: whole.items });
      }),
      { numRuns: 300 },
    );
  });
});
