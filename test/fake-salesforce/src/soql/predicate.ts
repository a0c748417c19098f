// WHERE clauses compiled to plain closures over stored rows.
import type { ObjectDef, Rec } from "../schema";
import type { Store } from "../store";
import type { Cond } from "./ast";
import { SoqlError } from "./errors";
import { comparable, isText, literalFor, resolveField } from "./fields";

export type Predicate = (r: Rec) => boolean;

function likeRegex(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && (pattern[i + 1] === "%" || pattern[i + 1] === "_")) re += "\\" + pattern[++i];
    else if (c === "%") re += "[\\s\\S]*";
    else if (c === "_") re += "[\\s\\S]";
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "i");
}

export function compilePredicate(def: ObjectDef, cond: Cond, store: Store): Predicate {
  switch (cond.type) {
    case "and": {
      const a = compilePredicate(def, cond.left, store);
      const b = compilePredicate(def, cond.right, store);
      return (r) => a(r) && b(r);
    }
    case "or": {
      const a = compilePredicate(def, cond.left, store);
      const b = compilePredicate(def, cond.right, store);
      return (r) => a(r) || b(r);
    }
    case "not": {
      const a = compilePredicate(def, cond.cond, store);
      return (r) => !a(r);
    }
  }
  const rf = resolveField(def, cond.field, store);
  const f = rf.field;
  if (f.type === "textarea" && f.length > 255) {
    throw new SoqlError("INVALID_FIELD", `field '${f.name}' can not be filtered in a query call`, cond.field.pos);
  }
  const get = (r: Rec) => comparable(f, rf.get(r));
  if (cond.type === "like") {
    if (!isText(f) || cond.pattern.kind !== "string") {
      throw new SoqlError("INVALID_FIELD", `invalid operator on ${f.type} field: ${f.name}`, cond.field.pos);
    }
    const re = likeRegex(cond.pattern.value);
    return (r) => {
      const v = rf.get(r);
      return typeof v === "string" && re.test(v);
    };
  }
  if (cond.type === "in") {
    const set = new Set(cond.values.map((v) => literalFor(f, v)));
    return cond.not ? (r) => !set.has(get(r)) : (r) => set.has(get(r));
  }
  const v = literalFor(f, cond.value);
  switch (cond.op) {
    case "=":
      return (r) => get(r) === v;
    // SOQL treats null as a value: != keeps rows where the field is null.
    case "!=":
      return (r) => get(r) !== v;
  }
  if (v === null) return () => false;
  const op = cond.op;
  return (r) => {
    const x = get(r) as number | string | null;
    if (x === null) return false;
    const y = v as number | string;
    return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
  };
}
