import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The create journal: one row per Conversion entity whose create is under way, written before the
 * Salesforce call and removed in the same D1 batch that records its outcome. A row still here when
 * the entity is pushed again means the earlier answer was lost: Salesforce may hold the record.
 */
export const createJournal = sqliteTable(
  "create_journal",
  {
    workspaceId: text("workspace_id").notNull(),
    entityId: text("entity_id").notNull(),
    salesforceObject: text("salesforce_object").notNull(),
    /** When the first attempt whose outcome is unknown was sent (the look-up searches from there). */
    firstAttemptAt: text("first_attempt_at").notNull(),
    attempts: integer("attempts").notNull().default(1),
    /** The field values the last attempt sent, as JSON: what the look-up matches on. */
    written: text("written").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.entityId] })],
);

/**
 * A wake is on its way for this workspace × object: an outbound message whose delivery will look at
 * every pending change of the group (outbound/wake.ts). A write inserts the row in its own D1 batch
 * and sends a message only if it created it, so a burst of writes costs one message, not one each;
 * the consumer deletes the row before it looks, so a write committed after that sends a new one.
 * `due_at`: when its message is expected (D1's clock); a row long past it is presumed lost and taken over.
 */
export const outboundWakes = sqliteTable(
  "outbound_wakes",
  {
    workspaceId: text("workspace_id").notNull(),
    entityType: text("entity_type", { enum: ["contact", "company"] }).notNull(),
    dueAt: text("due_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.entityType] })],
);
