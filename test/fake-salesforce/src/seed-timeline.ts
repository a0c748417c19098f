// Audit times for generated rows. Real orgs load data in transactions of up to 200 rows that share one
// stamp (second precision), and mass updates restamp many rows at once; the shapes below copy that so
// a sync cursor on (SystemModstamp, Id) meets plenty of ties, including one tie larger than a page.
import type { Random } from "./random";

export interface Times {
  created: number[];
  modified: number[];
  stamp: number[];
}

const floorSecond = (t: number) => Math.floor(t / 1000) * 1000;

export function buildTimeline(rnd: Random, n: number, start: number, end: number): Times {
  const raw: number[] = [];
  let t = 0;
  while (raw.length < n) {
    const size = rnd.chance(0.08) ? rnd.int(20, 200) : 1;
    for (let i = 0; i < size && raw.length < n; i++) raw.push(t);
    t += rnd.next() * 2 * size;
  }
  const scale = (end - start) / Math.max(t, 1);
  const created = raw.map((r) => floorSecond(start + r * scale));
  const modified = created.map((c) => (rnd.chance(0.3) ? floorSecond(c + rnd.next() * (end - c)) : c));
  const stamp = modified.map((m) => (rnd.chance(0.08) ? Math.min(end, m + rnd.int(1, 3600) * 1000) : m));
  const massUpdate = (at: number, size: number) => {
    for (let k = 0; k < size; k++) {
      const i = rnd.int(0, n - 1);
      if (created[i] <= at && stamp[i] < at) modified[i] = stamp[i] = at;
    }
  };
  for (let m = Math.max(1, Math.floor(n / 5000)); m > 0 && n > 0; m--) {
    massUpdate(floorSecond(start + rnd.next() * (end - start)), rnd.int(50, 200));
  }
  // One restamp wider than the 2,000-row page: a cursor must page through a single tied stamp.
  if (n >= 10_000) massUpdate(floorSecond(end - 2 * 86_400_000), 3_000);
  return { created, modified, stamp };
}
