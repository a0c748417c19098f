// Running a parsed query against the store. When ORDER BY matches the storage order
// (SystemModstamp, Id) — or is absent — rows stream from the key range and stop at LIMIT;
// any other order collects the matches and sorts them.
import { type ObjectDef, objectByName, type Rec } from "../schema";
import { type Store, seek, type Table } from "../store";
import type { Cond, Query } from "./ast";
import { SoqlError } from "./errors";
import { comparable, type ResolvedField, resolveField } from "./fields";
import { keyRange } from "./plan";
import { compilePredicate, type Predicate } from "./predicate";

export interface QueryResult {
  def: ObjectDef;
  /** Rows of the result set, a snapshot: rows are immutable, writes replace them. */
  rows: Rec[];
  totalSize: number;
  /** Projected columns, or null for COUNT(). */
  columns: ResolvedField[] | null;
  aggregate?: number;
  /**
   * Rows the query had to look at: the whole (SystemModstamp, Id) key range its WHERE allows (a LIMIT
   * does not shorten it, as the rows are filtered and sorted first), or none with a selective Id filter.
   */
  scanned: number;
}

export interface QueryOptions {
  includeDeleted: boolean;
  /** Objects the user may not see, as Salesforce hides them: INVALID_TYPE. */
  hidden?: (object: string) => boolean;
}

export function invalidType(name: string, pos: number): SoqlError {
  return new SoqlError(
    "INVALID_TYPE",
    `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    pos,
  );
}

function naturalOrder(q: Query): "asc" | "desc" | null {
  const names = q.orderBy.map((o) => o.field.path.toLowerCase());
  if (names.length === 0) return "asc";
  if (names[0] !== "systemmodstamp" || (names.length > 1 && names[1] !== "id")) return null;
  const dirs = q.orderBy.slice(0, 2).map((o) => o.desc);
  if (dirs.every((d) => !d)) return "asc";
  if (dirs.every((d) => d)) return "desc";
  return null;
}

/** `Id = x` or `Id IN (...)` as a conjunct: the query reads its rows through the Id index. */
function selectiveById(c: Cond | undefined): boolean {
  if (!c) return false;
  if (c.type === "and") return selectiveById(c.left) || selectiveById(c.right);
  if (c.type !== "in" && c.type !== "cmp") return false;
  if (c.field.path.toLowerCase() !== "id") return false;
  return c.type === "in" ? !c.not : c.op === "=";
}

function scan(
  table: Table,
  q: Query,
  pred: Predicate | null,
  opts: QueryOptions,
  stopAt: number,
): { rows: Rec[]; scanned: number } {
  const rows = table.rows;
  const range = keyRange(q.where);
  const start = range.lo ? seek(rows, range.lo.stamp, range.lo.id, range.lo.strict) : 0;
  const end = range.hi ? seek(rows, range.hi.stamp, range.hi.id, !range.hi.strict) : rows.length;
  const scanned = selectiveById(q.where) ? 0 : Math.max(0, end - start);
  const keep = (r: Rec) => (opts.includeDeleted || !r.IsDeleted) && (!pred || pred(r));
  const out: Rec[] = [];
  if (naturalOrder(q) === "desc") {
    for (let i = end - 1; i >= start && out.length < stopAt; i--) if (keep(rows[i])) out.push(rows[i]);
  } else {
    for (let i = start; i < end && out.length < stopAt; i++) if (keep(rows[i])) out.push(rows[i]);
  }
  return { rows: out, scanned };
}

function sortRows(def: ObjectDef, q: Query, rows: Rec[], store: Store): Rec[] {
  const keys = q.orderBy.map((o) => {
    const rf = resolveField(def, o.field, store);
    return { o, values: rows.map((r) => comparable(rf.field, rf.get(r))) };
  });
  const index = rows.map((_, i) => i);
  index.sort((a, b) => {
    for (const { o, values } of keys) {
      const x = values[a] as string | number | boolean | null;
      const y = values[b] as string | number | boolean | null;
      if (x === y) continue;
      if (x === null) return o.nullsLast ? 1 : -1;
      if (y === null) return o.nullsLast ? -1 : 1;
      const c = x < y ? -1 : 1;
      return o.desc ? -c : c;
    }
    return a - b;
  });
  return index.map((i) => rows[i]);
}

export function executeQuery(q: Query, store: Store, opts: QueryOptions): QueryResult {
  const def = objectByName(q.from.name);
  if (!def || opts.hidden?.(def.name)) throw invalidType(q.from.name, q.from.pos);
  const table = store.table(def.name)!;
  const seen = new Set<string>();
  const columns =
    q.select.kind === "fields"
      ? q.select.fields
          .map((fp) => resolveField(def, fp, store))
          .filter((c) => {
            const key = (c.via ? c.via.lookup.relationshipName + "." : "") + c.field.name;
            return seen.has(key) ? false : (seen.add(key), true);
          })
      : null;
  const pred = q.where ? compilePredicate(def, q.where, store) : null;
  for (const o of q.orderBy) resolveField(def, o.field, store);
  const counted = q.select.kind === "countField" ? resolveField(def, q.select.field, store) : null;
  if (q.offset !== undefined && q.offset > 2000) {
    throw new SoqlError("NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000");
  }
  const offset = q.offset ?? 0;
  const limit = q.limit ?? Infinity;
  const natural = naturalOrder(q) !== null;
  const scanResult = scan(table, q, pred, opts, natural ? offset + limit : Infinity);
  let rows = scanResult.rows;
  const scanned = scanResult.scanned;
  if (!natural) rows = sortRows(def, q, rows, store);
  rows = rows.slice(offset, offset + limit);
  if (counted) {
    const n = rows.filter((r) => comparable(counted.field, counted.get(r)) !== null).length;
    return { def, rows: [], totalSize: 1, columns: null, aggregate: n, scanned };
  }
  return { def, rows, totalSize: rows.length, columns, scanned };
}
