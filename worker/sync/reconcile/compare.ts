import { sql } from "drizzle-orm";
import type { Db } from "../../db";
import { ENTITY_TABLES, type EntityTable, inJson } from "../entities";
import type { InboundKind } from "../objects";

/** The Conversion table holding an object's linked records, and the column a run record is labelled by. */
const TABLES: Record<InboundKind, { table: EntityTable; label: string }> = {
  lead: { table: "contacts", label: "email" },
  contact: { table: "contacts", label: "email" },
  account: { table: "companies", label: "name" },
  opportunity: { table: "opportunities", label: "name" },
  role: { table: "roles", label: "role" },
  event: { table: "events", label: "name" },
};

export interface LinkedRecord {
  id: string;
  salesforceId: string;
  label: string | null;
  /** Its record history, which the run record of its removal carries. */
  history: string | null;
}

/**
 * Conversion records linked to the object with a Salesforce id after `after` and up to `upTo`
 * (null: to the end), in id order, at most `limit` (through the table's (workspace, salesforce_id) index).
 */
export async function linkedBetween(
  db: Db,
  workspaceId: string,
  kind: InboundKind,
  salesforceObject: string,
  after: string,
  upTo: string | null,
  limit: number,
): Promise<LinkedRecord[]> {
  const { table, label } = TABLES[kind];
  const name = ENTITY_TABLES[table];
  // Leads and Contacts share the contacts table: each object checks only the records linked to it.
  const people = kind === "lead" || kind === "contact" ? sql` AND salesforce_object = ${salesforceObject}` : sql``;
  const upper = upTo === null ? sql`` : sql` AND salesforce_id <= ${upTo}`;
  return db.all<LinkedRecord>(sql`SELECT id, salesforce_id AS salesforceId, ${sql.identifier(label)} AS label, history
    FROM ${name} WHERE workspace_id = ${workspaceId} AND salesforce_id > ${after}${upper}${people}
    ORDER BY salesforce_id LIMIT ${limit}`);
}

/** How many Conversion records are linked to the object (the circuit breaker's base). */
export async function countLinked(
  db: Db,
  workspaceId: string,
  kind: InboundKind,
  salesforceObject: string,
): Promise<number> {
  const name = ENTITY_TABLES[TABLES[kind].table];
  const people = kind === "lead" || kind === "contact" ? sql` AND salesforce_object = ${salesforceObject}` : sql``;
  const row = await db.get<{ n: number }>(
    sql`SELECT count(*) AS n FROM ${name} WHERE workspace_id = ${workspaceId} AND salesforce_id IS NOT NULL${people}`,
  );
  return row?.n ?? 0;
}

/**
 * Statement: removes Conversion records whose Salesforce record is gone for good, only while the
 * run still holds the object's lease (a run that lost it deletes nothing in that batch).
 */
export function removeLinked(
  db: Db,
  lease: { workspaceId: string; salesforceObject: string; owner: string },
  kind: InboundKind,
  ids: string[],
) {
  const name = ENTITY_TABLES[TABLES[kind].table];
  return db.run(sql`DELETE FROM ${name} WHERE workspace_id = ${lease.workspaceId} AND ${inJson(name.id, ids)}
    AND EXISTS (SELECT 1 FROM sync_state WHERE workspace_id = ${lease.workspaceId}
      AND salesforce_object = ${lease.salesforceObject} AND lease_owner = ${lease.owner})`);
}
