// Each object's rows stay sorted by (SystemModstamp, Id): the order a sync cursor walks, so keyset
// windows are a binary search plus a short scan. Rows are never mutated in place: a write swaps in a
// new object, which is what lets a query locator keep a stable snapshot by holding references.
import type { ObjectDef, Rec } from "./schema";
import { allObjects, objectByName } from "./schema";

export interface Table {
  def: ObjectDef;
  rows: Rec[];
  byId: Map<string, Rec>;
}

export interface Store {
  table(name: string): Table | undefined;
  tables(): Table[];
  /** Adds rows in any order; they are sorted into place. */
  load(name: string, rows: Rec[]): void;
  insert(table: Table, row: Rec): void;
  replace(table: Table, next: Rec): void;
  /** Field-level security: whether the integration user cannot read this field (SOQL then says "No such column"). */
  hiddenField(object: string, field: string): boolean;
  /** Removes a row for good (a purge or a hard delete): no query, queryAll included, sees it again. */
  remove(table: Table, id: string): void;
}

/** Compares a row to the key (stamp, id): negative when the row sorts first. */
export function compareKey(row: Rec, stamp: number, id: string): number {
  if (row.SystemModstamp !== stamp) return row.SystemModstamp < stamp ? -1 : 1;
  return row.Id < id ? -1 : row.Id > id ? 1 : 0;
}

/** First index whose row sorts after (strict) or at-or-after the key. */
export function seek(rows: Rec[], stamp: number, id: string, strict: boolean): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKey(rows[mid], stamp, id);
    if (c < 0 || (strict && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sortRows(rows: Rec[]): void {
  rows.sort((a, b) => compareKey(a, b.SystemModstamp, b.Id));
}

export function createStore(): Store {
  const tables = new Map<string, Table>();
  for (const def of allObjects()) tables.set(def.name, { def, rows: [], byId: new Map() });
  const get = (name: string) => {
    const def = objectByName(name);
    return def ? tables.get(def.name) : undefined;
  };
  return {
    hiddenField: () => false,
    table: get,
    tables: () => [...tables.values()],
    load(name, rows) {
      const t = get(name)!;
      for (const r of rows) {
        t.byId.set(r.Id, r);
        t.rows.push(r);
      }
      sortRows(t.rows);
    },
    insert(t, row) {
      t.rows.splice(seek(t.rows, row.SystemModstamp, row.Id, false), 0, row);
      t.byId.set(row.Id, row);
    },
    replace(t, next) {
      const old = t.byId.get(next.Id);
      if (old) {
        const at = seek(t.rows, old.SystemModstamp, old.Id, false);
        if (t.rows[at] === old) t.rows.splice(at, 1);
        else t.rows.splice(t.rows.indexOf(old), 1);
      }
      t.rows.splice(seek(t.rows, next.SystemModstamp, next.Id, false), 0, next);
      t.byId.set(next.Id, next);
    },
    remove(t, id) {
      const old = t.byId.get(id);
      if (!old) return;
      const at = seek(t.rows, old.SystemModstamp, old.Id, false);
      t.rows.splice(t.rows[at] === old ? at : t.rows.indexOf(old), 1);
      t.byId.delete(id);
    },
  };
}
