// Index planning: a WHERE clause is reduced to bounds on the (SystemModstamp, Id) key the rows are
// sorted by, so keyset windows like
//   SystemModstamp > x OR (SystemModstamp = x AND Id > y)
// start with a binary search instead of a scan. Bounds are necessary conditions only; the full
// predicate still runs on every row inside them.
import { normalizeId } from "../ids";
import type { Cond } from "./ast";

export interface Bound {
  stamp: number;
  id: string;
  strict: boolean;
}

export interface KeyRange {
  lo?: Bound;
  hi?: Bound;
}

const MIN_ID = "";
const MAX_ID = "\uffff";

function cmpBound(a: Bound, b: Bound): number {
  if (a.stamp !== b.stamp) return a.stamp < b.stamp ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
// For lower bounds a strict bound is tighter at the same key; for upper bounds too.
const tighterLo = (a: Bound, b: Bound) => {
  const c = cmpBound(a, b);
  return c > 0 || (c === 0 && a.strict) ? a : b;
};
const looserLo = (a: Bound, b: Bound) => (tighterLo(a, b) === a ? b : a);
const tighterHi = (a: Bound, b: Bound) => {
  const c = cmpBound(a, b);
  return c < 0 || (c === 0 && a.strict) ? a : b;
};
const looserHi = (a: Bound, b: Bound) => (tighterHi(a, b) === a ? b : a);

function stampAtom(c: Cond): KeyRange | null {
  if (c.type !== "cmp" || c.field.path.toLowerCase() !== "systemmodstamp" || c.value.kind !== "datetime") return null;
  const x = c.value.value;
  switch (c.op) {
    case ">":
      return { lo: { stamp: x, id: MAX_ID, strict: true } };
    case ">=":
      return { lo: { stamp: x, id: MIN_ID, strict: false } };
    case "<":
      return { hi: { stamp: x, id: MIN_ID, strict: true } };
    case "<=":
      return { hi: { stamp: x, id: MAX_ID, strict: false } };
    case "=":
      return { lo: { stamp: x, id: MIN_ID, strict: false }, hi: { stamp: x, id: MAX_ID, strict: false } };
  }
  return {};
}

function idAtom(c: Cond): { op: string; id: string } | null {
  if (c.type !== "cmp" || c.field.path.toLowerCase() !== "id" || c.value.kind !== "string") return null;
  const id = normalizeId(c.value.value);
  return id ? { op: c.op, id } : null;
}

function conjuncts(c: Cond, out: Cond[] = []): Cond[] {
  if (c.type === "and") {
    conjuncts(c.left, out);
    conjuncts(c.right, out);
  } else out.push(c);
  return out;
}

export function keyRange(c: Cond | undefined): KeyRange {
  if (!c) return {};
  if (c.type === "or") {
    const a = keyRange(c.left);
    const b = keyRange(c.right);
    return {
      lo: a.lo && b.lo ? looserLo(a.lo, b.lo) : undefined,
      hi: a.hi && b.hi ? looserHi(a.hi, b.hi) : undefined,
    };
  }
  if (c.type !== "and") return stampAtom(c) ?? {};
  const parts = conjuncts(c);
  let lo: Bound | undefined;
  let hi: Bound | undefined;
  for (const p of parts) {
    const r = p.type === "or" ? keyRange(p) : (stampAtom(p) ?? {});
    if (r.lo) lo = lo ? tighterLo(lo, r.lo) : r.lo;
    if (r.hi) hi = hi ? tighterHi(hi, r.hi) : r.hi;
  }
  // With the stamp pinned to one value, Id bounds narrow the key itself.
  if (lo && hi && lo.stamp === hi.stamp) {
    for (const p of parts) {
      const a = idAtom(p);
      if (!a) continue;
      if (a.op === ">" || a.op === ">=") lo = tighterLo(lo, { stamp: lo.stamp, id: a.id, strict: a.op === ">" });
      if (a.op === "<" || a.op === "<=") hi = tighterHi(hi, { stamp: hi.stamp, id: a.id, strict: a.op === "<" });
      if (a.op === "=") {
        lo = tighterLo(lo, { stamp: lo.stamp, id: a.id, strict: false });
        hi = tighterHi(hi, { stamp: hi.stamp, id: a.id, strict: false });
      }
    }
  }
  return { lo, hi };
}
