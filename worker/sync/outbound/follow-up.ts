import { sql } from "drizzle-orm";
import type { Db } from "../../db";
import { newId } from "../../lib/crypto";
import { ALL_FIELDS } from "./fields";
import type { Planned } from "./plan";

type Write = Extract<Planned, { kind: "write" }>;

/**
 * Statements (none or one): a change for each adopted record whose Salesforce values are not the
 * entity's current ones (the entity changed after the lost attempt, or a trigger rewrote a value).
 * Left for the cron sweep to send (unstamped), it pushes the entity's whole current state to the
 * record it now is linked to. One INSERT … SELECT for the whole call.
 */
export function followUpChanges(db: Db, workspaceId: string, adopted: Write[]) {
  if (!adopted.length) return [];
  const rows = adopted.map((w) => {
    const type = w.object === "Account" ? "company" : "contact";
    return { id: newId("obx"), type, entity: w.entity.id, fields: JSON.stringify(ALL_FIELDS[type]) };
  });
  return [
    db.run(sql`
      INSERT INTO outbox (id, workspace_id, entity_type, entity_id, operation, changed_fields)
      SELECT j.value ->> 'id', ${workspaceId}, j.value ->> 'type', j.value ->> 'entity', 'upsert', j.value ->> 'fields'
      FROM json_each(${JSON.stringify(rows)}) AS j`),
  ];
}
