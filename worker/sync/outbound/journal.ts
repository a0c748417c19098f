import { sql } from "drizzle-orm";
import type { Db } from "../../db";
import { isoNow } from "../../lib/time";

/** An entity's create whose answer never came back: when it was first sent, and what it wrote. */
export interface UnansweredCreate {
  entityId: string;
  firstAttemptAt: string;
  attempts: number;
  written: Record<string, unknown>;
}

function parseWritten(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

/**
 * The create journal of one workspace (table create_journal). Each create is journaled before its
 * Salesforce call and the entry is removed in the D1 batch that records the answer; an entry found
 * when the entity is pushed again is a create whose outcome is unknown.
 */
export function createJournal(db: Db, workspaceId: string) {
  return {
    /** The entities among these with a create still unanswered. One statement. */
    async unanswered(entityIds: string[]): Promise<Map<string, UnansweredCreate>> {
      if (!entityIds.length) return new Map();
      const rows = await db.all<{ entity_id: string; first_attempt_at: string; attempts: number; written: string }>(sql`
        SELECT entity_id, first_attempt_at, attempts, written FROM create_journal
        WHERE workspace_id = ${workspaceId} AND entity_id IN (SELECT value FROM json_each(${JSON.stringify(entityIds)}))`);
      return new Map(
        rows.map((r) => [
          r.entity_id,
          {
            entityId: r.entity_id,
            firstAttemptAt: r.first_attempt_at,
            attempts: r.attempts,
            written: parseWritten(r.written),
          },
        ]),
      );
    },
    /**
     * Journals an attempt per entity before the call, in one statement: a first attempt gets a new
     * entry; a repeated one keeps the first attempt's time (the look-up searches from there).
     */
    async attempt(object: string, entries: { entityId: string; written: Record<string, unknown> }[]): Promise<void> {
      if (!entries.length) return;
      const json = JSON.stringify(entries.map((e) => ({ e: e.entityId, w: JSON.stringify(e.written) })));
      await db.run(sql`
        INSERT INTO create_journal (workspace_id, entity_id, salesforce_object, first_attempt_at, attempts, written)
        SELECT ${workspaceId}, j.value ->> 'e', ${object}, ${isoNow()}, 1, j.value ->> 'w' FROM json_each(${json}) AS j WHERE true
        ON CONFLICT (workspace_id, entity_id) DO UPDATE SET
          attempts = create_journal.attempts + 1, written = excluded.written, salesforce_object = excluded.salesforce_object`);
    },
    /** Statement: these creates have a known outcome now (written, adopted, or refused). */
    settle(entityIds: string[]) {
      return db.run(sql`
        DELETE FROM create_journal WHERE workspace_id = ${workspaceId}
          AND entity_id IN (SELECT value FROM json_each(${JSON.stringify(entityIds)}))`);
    },
  };
}

export type Journal = ReturnType<typeof createJournal>;
