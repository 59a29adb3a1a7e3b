// Generated object names as the apiserver makes them (apiserver/pkg/storage/names: five
// characters without vowels), but derived from a seed so the lab's output is reproducible.
import { createHash } from 'node:crypto';

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

export function stableSuffix(seed: string, length: number): string {
  const bytes = createHash('sha256').update(seed).digest();
  return Array.from(bytes.subarray(0, length), (b) => NAME_CHARS[b % NAME_CHARS.length]).join('');
}
