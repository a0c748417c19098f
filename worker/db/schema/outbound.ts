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
