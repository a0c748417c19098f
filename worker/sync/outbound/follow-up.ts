import type { Db } from "../../db";
import { ALL_FIELDS } from "./fields";
import { outboxInsert } from "./outbox";
import type { Planned } from "./plan";

type Write = Extract<Planned, { kind: "write" }>;

/**
 * Statements: a change for each adopted record whose Salesforce values are not the entity's current
 * ones (the entity changed after the lost attempt, or a trigger rewrote a value). Left for the cron
 * sweep to send, it pushes the entity's whole current state to the record it now is linked to.
 */
export function followUpChanges(db: Db, workspaceId: string, adopted: Write[]) {
  return adopted.map((w) => {
    const type = w.object === "Account" ? "company" : "contact";
    return outboxInsert(db, {
      workspaceId,
      entityType: type,
      entityId: w.entity.id,
      operation: "upsert",
      changedFields: ALL_FIELDS[type],
    }).statement;
  });
}
