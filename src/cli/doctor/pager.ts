// Long text shown a screenful at a time, so what a person is reading never scrolls away
// under the next question. Enter shows the next page; q or Esc skips the rest.
import { askText, interruptedAtPrompt } from '../../ui/prompt.js';
import type { CliIO } from '../io.js';
import { pages } from './fit.js';

/**
 * Prints `lines`, at most a screenful (`height`) at a time. The last page also leaves
 * `reserve` lines free for what the caller prints after it (the fixes and the menu).
 * Ctrl-C at a pause is an interrupt (exit 130).
 */
export async function showPaged(io: CliIO, lines: readonly string[], height: number, reserve = 0): Promise<void> {
  // Each pause takes a line of its own.
  const chunks = pages(lines, height - 1);
  const last = chunks.at(-1) ?? [];
  if (chunks.length && last.length > height - reserve) chunks.splice(-1, 1, ...pages(last, Math.max(1, height - reserve - 1)));
  for (const [i, chunk] of chunks.entries()) {
    io.out(`${chunk.join('\n')}\n`);
    const left = chunks.slice(i + 1).reduce((n, c) => n + c.length, 0);
    if (!left) return;
    const answer = await askText(`-- ${left} more line(s): Enter shows them, q skips --`, () => true, io.stdin);
    if (!answer.ok && answer.end === 'interrupt') throw interruptedAtPrompt();
    if (!answer.ok || answer.value.toLowerCase().startsWith('q')) return;
  }
}
