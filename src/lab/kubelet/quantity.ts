// Memory/CPU quantities as Kubernetes writes them ("512Mi", "1Gi", "1073741824", "100m").

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, m: 1e-3, '': 1 };

/** Bytes of a quantity; undefined when absent or unparsable. */
export function quantityValue(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = /^([0-9.]+)(Ki|Mi|Gi|Ti|k|M|G|T|m)?$/.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  return n * (BINARY[unit] ?? DECIMAL[unit] ?? 1);
}

export function toMiB(q: unknown): number | undefined {
  const v = quantityValue(q);
  return v === undefined ? undefined : v / 2 ** 20;
}

export function miQuantity(mib: number): string {
  return `${Math.round(mib)}Mi`;
}
