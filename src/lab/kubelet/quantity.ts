// The lab's memory helpers over the shared quantity parser (src/kube-quantity.ts).
import { quantityValue } from '../../kube-quantity.js';

export { quantityValue };

export function toMiB(q: unknown): number | undefined {
  const v = quantityValue(q);
  return v === undefined ? undefined : v / 2 ** 20;
}

export function miQuantity(mib: number): string {
  return `${Math.round(mib)}Mi`;
}
