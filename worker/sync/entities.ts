import { getTableColumns, inArray, type SQL, sql } from "drizzle-orm";
import { getTableConfig, type SQLiteColumn, type SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../db";
import { jsonChunks, jsonValueChunks } from "../db/json-param";
import { companies, contacts, events, opportunities, opportunityContactRoles } from "../db/schema";
import { isoNow } from "../lib/time";
import { appendHistory, refCutoff } from "./runs/history";

export const ENTITY_TABLES = { contacts, companies, opportunities, roles: opportunityContactRoles, events } as const;
export type EntityTable = keyof typeof ENTITY_TABLES;
export type EntityRow = Record<string, unknown> & { id: string; workspaceId: string; salesforceId: string | null };

/** `column IN (SELECT value FROM json_each(?))`: one bound parameter however many values. */
export function inJson(column: SQLiteColumn, values: readonly string[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

/**
 * One page's view of one Conversion table: the rows the page touches, loaded once, with indexes
 * by Salesforce id, email and user id, and the writes the page will make, applied in memory first
 * so that two records of one page that meet the same entity see each other.
 */
export class EntitySet {
  readonly byId = new Map<string, EntityRow>();
  readonly bySalesforceId = new Map<string, EntityRow>();
  readonly byEmail = new Map<string, EntityRow>();
  readonly byUserId = new Map<string, EntityRow>();
  readonly dirty = new Set<string>();
  readonly removed = new Set<string>();
  /** Merged away: Conversion id → the id that takes over what pointed at it. */
  readonly folded = new Map<string, string>();
  /** Rows as D1 had them when loaded: what a page's update is based on. */
  readonly loaded = new Map<string, EntityRow>();
  /** History refs to append to rows, by Conversion id (history.ts): written with the row, or on their own. */
  readonly refs = new Map<string, string[]>();

  constructor(readonly name: EntityTable) {}

  /** A row read from D1. */
  load(row: EntityRow) {
    this.loaded.set(row.id, { ...row });
    this.add(row);
  }

  add(row: EntityRow) {
    this.byId.set(row.id, row);
    if (row.salesforceId) this.bySalesforceId.set(row.salesforceId, row);
    if (typeof row.email === "string") this.byEmail.set(row.email, row);
    if (typeof row.userId === "string") this.byUserId.set(row.userId, row);
  }

  /** Records a new or changed row; indexes follow so later records of the page find it. */
  put(row: EntityRow, previous: EntityRow | null) {
    if (previous) {
      if (previous.salesforceId && this.bySalesforceId.get(previous.salesforceId) === previous)
        this.bySalesforceId.delete(previous.salesforceId);
      if (typeof previous.email === "string" && this.byEmail.get(previous.email) === previous)
        this.byEmail.delete(previous.email);
      if (typeof previous.userId === "string" && this.byUserId.get(previous.userId) === previous)
        this.byUserId.delete(previous.userId);
    }
    row.updatedAt = isoNow();
    this.add(row);
    this.dirty.add(row.id);
    this.removed.delete(row.id);
  }

  remove(row: EntityRow) {
    this.byId.delete(row.id);
    if (row.salesforceId) this.bySalesforceId.delete(row.salesforceId);
    if (typeof row.email === "string") this.byEmail.delete(row.email);
    if (typeof row.userId === "string") this.byUserId.delete(row.userId);
    this.dirty.delete(row.id);
    this.removed.add(row.id);
  }

  /** A merge: `from` goes, and what pointed at it points at `into` (see foldStatements). */
  fold(from: EntityRow, into: EntityRow) {
    this.remove(from);
    this.folded.set(from.id, into.id);
    this.foldedIn = from.workspaceId;
  }

  /** The workspace of the page's folds (a page is one workspace's). */
  private foldedIn = "";

  /** A run record about this row: its ref goes into the row's history. */
  addRef(id: string, ref: string) {
    const list = this.refs.get(id);
    if (list) list.push(ref);
    else this.refs.set(id, [ref]);
  }

  /**
   * Set-based writes for the page: new rows inserted and loaded rows merged (one statement each per
   * ~900 KB of rows, their new refs appended to their history), one delete, one update per fold's
   * dependents, and one history append for rows that only gained refs.
   */
  statements(db: Db) {
    const table = ENTITY_TABLES[this.name] as unknown as SQLiteTable;
    const rows = [...this.dirty].map((id) => this.byId.get(id)!).filter(Boolean);
    const fresh = rows.filter((r) => !this.loaded.has(r.id));
    const changed = rows.filter((r) => this.loaded.has(r.id));
    // History is never written whole: refs travel beside the row and are appended in SQL.
    const encode = (row: EntityRow) => ({ ...row, history: undefined, [REFS]: this.refs.get(row.id) });
    const out = [
      ...insertNewRows(db, table, fresh, this.refs),
      ...jsonChunks(changed, (r) => ({ n: encode(r), b: { ...this.loaded.get(r.id), history: undefined } })).map(
        (json) => mergeFromJson(db, table, json),
      ),
    ];
    const onlyRefs = [...this.refs].filter(([id]) => !this.dirty.has(id) && !this.removed.has(id) && this.byId.has(id));
    if (onlyRefs.length)
      out.push(appendRefs(db, table, this.byId.get(onlyRefs[0]![0])!.workspaceId, onlyRefs) as never);
    if (this.removed.size) {
      const idColumn = (getTableColumns(table) as Record<string, SQLiteColumn>).id;
      out.push(db.delete(table).where(inJson(idColumn, [...this.removed])) as never);
    }
    if (this.folded.size) out.push(...(foldStatements(db, this.name, this.foldedIn, this.folded) as never[]));
    return out;
  }
}

// Who points at a contact or a company, by Conversion id.
// Each with its (workspace_id, column) index, named: on contacts (WITHOUT ROWID) the planner would
// rather walk the workspace's whole primary key, which is covering, than the partial company index.
const DEPENDENTS: Partial<Record<EntityTable, [SQLiteTable, SQLiteColumn, string][]>> = {
  contacts: [
    [events, events.contactId, "events_ws_contact"],
    [opportunityContactRoles, opportunityContactRoles.contactId, "ocr_ws_contact"],
  ],
  companies: [
    [contacts, contacts.companyId, "contacts_ws_company"],
    [opportunities, opportunities.companyId, "opportunities_ws_company"],
  ],
};

/**
 * One UPDATE per dependent table for all of a page's folds, through the table's (workspace_id,
 * column) index: `[[from, into], …]` as one JSON parameter. A loser folded into another page loser
 * goes straight to the last winner.
 */
function foldStatements(db: Db, name: EntityTable, workspaceId: string, folded: ReadonlyMap<string, string>) {
  const pairs = [...folded.keys()].map((from) => {
    let into = folded.get(from)!;
    for (let hops = 0; folded.has(into) && hops < folded.size; hops++) into = folded.get(into)!;
    return [from, into];
  });
  const json = JSON.stringify(pairs);
  return (DEPENDENTS[name] ?? []).map(([table, column, index]) =>
    db.run(sql`UPDATE ${table} INDEXED BY ${sql.identifier(index)} SET ${sql.identifier(column.name)} =
        (SELECT j.value ->> 1 FROM json_each(${json}) AS j WHERE j.value ->> 0 = ${column})
      WHERE ${sql.identifier("workspace_id")} = ${workspaceId}
        AND ${column} IN (SELECT j.value ->> 0 FROM json_each(${json}) AS j)`),
  );
}

// The key under which a row's JSON carries the refs it gains (a JSON array), beside its columns.
const REFS = "$refs";

/**
 * INSERT … SELECT FROM json_each(?) ON CONFLICT (its key) DO UPDATE: a page's rows in one statement. The
 * history column is never overwritten: a new row starts with its refs, an existing one has them
 * appended in SQL (an outbound push may have appended its own since the page loaded the row).
 */
export function upsertFromJson(db: Db, table: SQLiteTable, json: string) {
  return upsertRows(db, table, json, (key) => sql`j.value ->> ${`$.${key}`}`, sql`j.value -> ${`$."${REFS}"`}`);
}

/**
 * A page's new rows, upserted as upsertFromJson does, each as a JSON array of its column values in
 * the table's column order, its refs last (left out when it has none): without a key for every
 * value, the parameter is ~40% smaller and SQLite reads each value by position (a 2,000-contact
 * page: ~1.6 s → ~1.1 s of SQLite a 50,000-record batch in node:sqlite).
 */
function insertNewRows(db: Db, table: SQLiteTable, rows: EntityRow[], refs: ReadonlyMap<string, string[]>) {
  if (!rows.length) return [];
  const keys = columnsOf(table).map(([key]) => key);
  const values = rows.map((row) => {
    const list: unknown[] = keys.map((key) => row[key] ?? null);
    const added = refs.get(row.id);
    if (added !== undefined) list.push(added);
    return list;
  });
  return jsonValueChunks(values).map((json) =>
    upsertRows(db, table, json, (_, i) => sql.raw(`j.value ->> ${i}`), sql.raw(`j.value -> ${keys.length}`)),
  );
}

/** The table's columns but history (written only by appending refs). */
function columnsOf(table: SQLiteTable) {
  return Object.entries(getTableColumns(table) as Record<string, SQLiteColumn>).filter(([key]) => key !== "history");
}

function upsertRows(db: Db, table: SQLiteTable, json: string, value: (key: string, i: number) => SQL, refs: SQL) {
  const columns = columnsOf(table);
  const names = sql.join([...columns.map(([, c]) => sql.identifier(c.name)), sql.identifier("history")], sql`, `);
  const values = sql.join([...columns.map(([key], i) => value(key, i)), refs], sql`, `);
  const updates = sql.join(
    [
      ...columns
        .filter(([key]) => key !== "id" && key !== "createdAt")
        .map(([, c]) => sql`${sql.identifier(c.name)} = excluded.${sql.identifier(c.name)}`),
      sql`history = ${appendHistory(sql`${table}.history`, sql`excluded.history`, refCutoff())}`,
    ],
    sql`, `,
  );
  return db.run(sql`INSERT INTO ${table} (${names}) SELECT ${values} FROM json_each(${json}) AS j WHERE true
    ON CONFLICT (${conflictTarget(table)}) DO UPDATE SET ${updates}`);
}

/** The row's key: (workspace_id, id) for a table keyed so (contacts, WITHOUT ROWID), else its id. */
function conflictTarget(table: SQLiteTable) {
  const keyed = getTableConfig(table).primaryKeys.some((k) => k.columns.length > 1);
  return keyed ? sql`workspace_id, id` : sql`id`;
}

/** Appends refs to rows the page does not otherwise write (`[id, refs]` each), one statement. */
export function appendRefs(db: Db, table: SQLiteTable, workspaceId: string, refs: [string, string[]][]) {
  const json = JSON.stringify(refs.map(([id, list]) => ({ id, h: list })));
  return db.run(sql`UPDATE ${table}
    SET history = ${appendHistory(sql`${table}.history`, sql`j.value -> 'h'`, refCutoff())}
    FROM json_each(${json}) AS j
    WHERE ${table}.workspace_id = ${workspaceId} AND ${table}.id = j.value ->> 'id'`);
}

/**
 * UPDATE … FROM json_each(?) of rows the page loaded (`n` the new row, `b` the row as loaded): a
 * column takes the page's value only if D1 still holds the loaded one. A column written since the
 * load (an API edit, a push noting its version, another object's chain) keeps that newer write:
 * writing back the whole row read before it would undo it.
 */
function mergeFromJson(db: Db, table: SQLiteTable, json: string) {
  const columns = Object.entries(getTableColumns(table) as Record<string, SQLiteColumn>).filter(
    ([key]) => key !== "id" && key !== "workspaceId" && key !== "createdAt" && key !== "history",
  );
  const sets = sql.join(
    [
      ...columns.map(([key, c]) => {
        const column = sql`${table}.${sql.identifier(c.name)}`;
        const next = sql`j.value ->> ${`$.n.${key}`}`;
        if (key === "updatedAt") return sql`${sql.identifier(c.name)} = ${next}`;
        return sql`${sql.identifier(c.name)} = CASE WHEN ${column} IS j.value ->> ${`$.b.${key}`} THEN ${next} ELSE ${column} END`;
      }),
      // Refs are appended to whatever history D1 holds now (a push may have appended its own).
      sql`history = ${appendHistory(sql`${table}.history`, sql`j.value -> ${`$.n."${REFS}"`}`, refCutoff())}`,
    ],
    sql`, `,
  );
  const cols = getTableColumns(table) as Record<string, SQLiteColumn>;
  // The workspace too: contacts are keyed (workspace_id, id).
  return db.run(sql`UPDATE ${table} SET ${sets} FROM json_each(${json}) AS j
    WHERE ${table}.${sql.identifier(cols.workspaceId!.name)} = j.value ->> '$.n.workspaceId'
      AND ${table}.${sql.identifier(cols.id!.name)} = j.value ->> '$.n.id'`);
}

/**
 * Loads rows of `table` in this workspace matching any of the given conditions (one query). Each
 * condition is its own indexed branch, `(workspace_id, column) IN json_each`, joined by UNION ALL on
 * the id: written as `workspace_id = ? AND (a OR b)` SQLite walks every row of the workspace instead,
 * which makes a backfill quadratic in the workspace's size.
 */
export async function loadInto(db: Db, set: EntitySet, workspaceId: string, conditions: SQL[]) {
  if (!conditions.length) return;
  const table = ENTITY_TABLES[set.name] as unknown as SQLiteTable;
  const cols = getTableColumns(table) as Record<string, SQLiteColumn>;
  const branches = conditions.map(
    (c) => sql`SELECT ${cols.id} FROM ${table} WHERE ${cols.workspaceId} = ${workspaceId} AND ${c}`,
  );
  // By id, not rowid: contacts are a WITHOUT ROWID table keyed (workspace_id, id).
  const rows = (await db
    .select()
    .from(table)
    .where(
      sql`${cols.workspaceId} = ${workspaceId} AND ${table}.${sql.identifier(cols.id!.name)} IN (${sql.join(branches, sql` UNION ALL `)})`,
    )
    .all()) as EntityRow[];
  for (const row of rows) set.load(row);
}

export { inArray };
