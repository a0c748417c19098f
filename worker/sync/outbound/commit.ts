import { sql } from "drizzle-orm";
import type { Db } from "../../db";
import { companies, contacts, outbox } from "../../db/schema";
import { isoNow } from "../../lib/time";
import { inJson } from "../entities";
import type { EntityType } from "./message";

/** Statement: these outbox rows are done, and by which run (null when nothing was pushed). */
export function markProcessed(db: Db, outboxIds: string[], runId: string | null) {
  return db.update(outbox).set({ processedAt: isoNow(), runId }).where(inJson(outbox.id, outboxIds));
}

/**
 * Statement: stores the ids Salesforce gave the records a push created, so the next change updates
 * them instead of creating again. Only rows still unlinked: if an inbound sync linked the entity
 * in the meantime, that link stands. No other column changes, so the next inbound sync finds the
 * row equal to what Salesforce sends back and counts it unchanged.
 */
export function linkCreated(
  db: Db,
  type: EntityType,
  workspaceId: string,
  links: { entityId: string; salesforceId: string }[],
  object: string,
) {
  const json = JSON.stringify(links.map((l) => ({ e: l.entityId, s: l.salesforceId })));
  const table = type === "contact" ? contacts : companies;
  const objectColumn = type === "contact" ? sql`, salesforce_object = ${object}` : sql``;
  return db.run(sql`
    UPDATE ${table} SET salesforce_id = (SELECT j.value ->> 's' FROM json_each(${json}) AS j WHERE j.value ->> 'e' = ${table.id})${objectColumn}
    WHERE ${table.workspaceId} = ${workspaceId} AND ${table.salesforceId} IS NULL
      AND ${table.id} IN (SELECT j.value ->> 'e' FROM json_each(${json}) AS j)`);
}

/**
 * Statement: the SystemModstamp of the version a push left in Salesforce becomes the entity's, so
 * that an inbound read of an older version (read before the push committed) is Outdated record
 * instead of undoing what was pushed. Only for the record the entity is still linked to, and never
 * backwards.
 */
export function notePushedVersions(
  db: Db,
  type: EntityType,
  workspaceId: string,
  versions: { entityId: string; salesforceId: string; stamp: string }[],
) {
  const json = JSON.stringify(versions.map((v) => ({ e: v.entityId, s: v.salesforceId, m: v.stamp })));
  const table = type === "contact" ? contacts : companies;
  return db.run(sql`
    UPDATE ${table} SET sf_modstamp = j.value ->> 'm'
    FROM json_each(${json}) AS j
    WHERE ${table.workspaceId} = ${workspaceId} AND ${table.id} = j.value ->> 'e'
      AND ${table.salesforceId} = j.value ->> 's'
      AND (${table.sfModstamp} IS NULL OR ${table.sfModstamp} < j.value ->> 'm')`);
}
