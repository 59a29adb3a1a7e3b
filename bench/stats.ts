export interface Figure {
  name: string;
  value: number;
  unit: string;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One row of the table: what, the goal, the figure measured and how it compares. */
export interface Row {
  what: string;
  goal: string;
  measured: string;
  met: boolean | null;
  /** The numbers behind `measured`, for bench-results.json. */
  figures: Record<string, number>;
}

export const ms = (x: number) => `${Math.round(x)} ms`;
export const ratio = (a: number, b: number) => a / b;
