import { sql } from "drizzle-orm";
import type { Db } from "../../db";
import { companies, contacts, outbox } from "../../db/schema";
import { isoNow } from "../../lib/time";
import { inJson } from "../inbound/entities";
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
