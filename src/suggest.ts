// "Did you mean ...?" for names the user typed: the closest known name within a small edit
// distance, so a typo gets a fix and a wrong word gets nothing misleading.
import { distance } from 'fastest-levenshtein';

export function closest(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(input.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(input.length / 3));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

export function didYouMean(input: string, candidates: Iterable<string>, quote = '`'): string | undefined {
  const c = closest(input, candidates);
  return c === undefined ? undefined : `did you mean ${quote}${c}${quote}?`;
}
