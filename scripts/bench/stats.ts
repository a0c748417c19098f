// Small statistics and formatting helpers.

export function median(xs: number[]): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1]!;
}

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** 12345.6 → "12,346"; digits after the point on request. */
export function num(x: number, digits = 0): string {
  if (!Number.isFinite(x)) return "—";
  return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Several runs' values: "median (min–max, n runs)". */
export function spread(xs: number[], digits = 0, unit = ""): string {
  if (!xs.length) return "—";
  if (xs.length === 1) return `${num(xs[0]!, digits)}${unit}`;
  return `${num(median(xs), digits)}${unit} (${num(Math.min(...xs), digits)}–${num(Math.max(...xs), digits)}, ${xs.length} runs)`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
