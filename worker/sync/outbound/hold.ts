import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { companies, contacts, outbox, syncState } from "../../db/schema";
import type { Settings } from "../../settings";
import { inJson } from "../entities";
import type { EntityType } from "./message";

/** The Salesforce objects whose backfill links an entity of this type to a record of the org. */
const LINKED_BY: Record<EntityType, string[]> = { contact: ["Lead", "Contact"], company: ["Account"] };

/**
 * Whether creates of this type wait. After another org is connected every record is unlinked
 * until the new org's backfill links it again (contacts by email); a create pushed meanwhile would
 * be a second Lead or Account for a record the org already has. So creates wait while any object
 * that could link them (and syncs inbound) has its backfill after the org change still to finish.
 * One statement.
 */
export async function createsWait(db: Db, workspaceId: string, type: EntityType, settings: Settings) {
  const relinking = await db
    .select({ object: syncState.salesforceObject })
    .from(syncState)
    .where(
      and(
        eq(syncState.workspaceId, workspaceId),
        eq(syncState.resetReason, "org_changed"),
        eq(syncState.backfillDone, false),
        inJson(syncState.salesforceObject, LINKED_BY[type]),
      ),
    )
    .all();
  // An object that does not sync inbound has no backfill coming to wait for.
  return relinking.some((r) => settings.objects[r.object]?.enabled);
}

/**
 * Whether a retry of these entities' failed pushes would have to wait: creates of their type wait
 * and one of them is not linked to a Salesforce record (its push would be a create). Two statements.
 */
export async function retryWouldWait(db: Db, workspaceId: string, type: EntityType, settings: Settings, ids: string[]) {
  if (!ids.length || !(await createsWait(db, workspaceId, type, settings))) return false;
  const table = type === "contact" ? contacts : companies;
  const unlinked = await db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.workspaceId, workspaceId), inJson(table.id, ids), sql`${table.salesforceId} IS NULL`))
    .limit(1)
    .all();
  return unlinked.length > 0;
}

/** SQL: the outbox row's entity is not linked to a Salesforce record (its push would be a create). */
export function unlinkedEntity(workspaceId: string, type: EntityType) {
  const table = type === "contact" ? contacts : companies;
  return sql`entity_id IN (SELECT ${table.id} FROM ${table} WHERE ${table.workspaceId} = ${workspaceId} AND ${table.salesforceId} IS NULL)`;
}

/**
 * Statement: the claim on held changes is let go, so they stay pending under no claim (a create
 * planned while its entity was unlinked by a concurrent org change). They go out when the backfill
 * finishes (it resends what waits), or with the outbox sweep.
 */
export function releaseHeld(db: Db, outboxIds: string[]) {
  return db
    .update(outbox)
    .set({ runId: null })
    .where(and(inJson(outbox.id, outboxIds), sql`${outbox.processedAt} IS NULL`));
}
