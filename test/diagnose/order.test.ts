// Root causes before symptoms: `causes` links win over the usual rank of a check, a cycle
// loses nothing, output is stable.
import { describe, expect, it } from 'vitest';
import { orderFindings } from '../../src/diagnose/order.js';
import type { Finding } from '../../src/diagnose/types.js';

const f = (id: string, check: string, causes?: string[], severity: Finding['severity'] = 'warning'): Finding => ({ id, check, severity, title: id, objects: [], evidence: [], lesson: '', ...(causes ? { causes } : {}) });

describe('orderFindings', () => {
  it('orders by the causes links first, then by check rank, severity and id', () => {
    const out = orderFindings([
      f('pending:a', 'pod.pending'),
      f('chain', 'flux.dependency-chain'),
      f('hr', 'flux.helmrelease', ['chain']),
      // ranked late (a pending pod), but it causes the release failure: it must come first
      f('odd-root', 'pod.pending', ['hr']),
      f('balloon:b', 'proxmox.ballooning', [], 'warning'),
      f('balloon:a', 'proxmox.ballooning', [], 'critical'),
      f('dead', 'node.dead', ['pending:a']),
    ]);
    expect(out.map((x) => x.id)).toEqual(['balloon:a', 'balloon:b', 'dead', 'odd-root', 'hr', 'chain', 'pending:a']);
  });

  it('keeps every finding when links form a cycle', () => {
    const out = orderFindings([f('a', 'pod.pending', ['b']), f('b', 'pod.pending', ['a']), f('c', 'node.dead')]);
    expect(out.map((x) => x.id).sort()).toEqual(['a', 'b', 'c']);
    expect(out[0]!.id).toBe('c');
  });
});
