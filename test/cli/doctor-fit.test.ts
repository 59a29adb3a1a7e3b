// Fitting text to a terminal: cut table rows, wrapped explanations, pages that leave room.
import { describe, expect, it } from 'vitest';
import { pages, truncate, wrap } from '../../src/cli/doctor/fit.js';

describe('fitting doctor to the screen', () => {
  it('truncate cuts to the width with an ellipsis, counting characters not bytes', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('k3s-replica-0 balloons down to 516 MiB', 12)).toBe('k3s-replica…');
    expect(Array.from(truncate('✔✔✔✔✔✔', 4))).toHaveLength(4);
  });

  it('wrap keeps every line within the width and indents a field\'s continuation under its text', () => {
    const lines = wrap('  lesson:   Never balloon Kubernetes nodes: the scheduler needs fixed, predictable memory.', 40);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    expect(lines[0]).toMatch(/^ {2}lesson: {3}Never/);
    expect(lines.slice(1).every((l) => l.startsWith(' '.repeat(12)) && l[12] !== ' ')).toBe(true);
    expect(lines.join(' ').replace(/\s+/g, ' ').trim()).toBe('lesson: Never balloon Kubernetes nodes: the scheduler needs fixed, predictable memory.');
  });

  it('wrap cuts a word wider than the screen instead of letting the terminal wrap it', () => {
    const lines = wrap(`  1. runbook run fix --nodes ${'k3s-replica-0,'.repeat(8)}`, 30);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(30);
    expect(lines.slice(1).every((l) => l.startsWith('     '))).toBe(true);
  });

  it('pages splits into screenfuls', () => {
    expect(pages(['a', 'b', 'c', 'd', 'e'], 2)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(pages(['a'], 0)).toEqual([['a']]);
  });
});
