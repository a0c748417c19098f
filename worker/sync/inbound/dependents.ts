import { sql } from "drizzle-orm";
import type { Db } from "../../db";
import type { InboundKind } from "../objects";
import { isSalesforceId } from "./by-ids";

/** Skips that mean "the parent is not in Conversion yet": they may apply once the parent arrives. */
const WAITING_REASONS: Partial<Record<InboundKind, { reasons: string[]; table: string }>> = {
  contact: { reasons: ["no_account_association"], table: "contacts" },
  opportunity: { reasons: ["no_account_association"], table: "opportunities" },
  role: { reasons: ["opportunity_not_found", "contact_not_found"], table: "opportunity_contact_roles" },
};

/** preparePage's "seen up to" for records every one of which an earlier run reported. */
export const REPORTED_BEFORE = { stamp: "9999-12-31T23:59:59.999Z", id: "zzzzzzzzzzzzzzzzzz" } as const;

// How far back and how many: a cycle re-reads at most 2,000 waiting records (4 queries) per object.
const WAITING_DAYS = 7;
const MAX_WAITING = 2_000;

/**
 * Salesforce ids of this object skipped in the last week because their parent was not in
 * Conversion, that Conversion still does not have: runs with skips (runs_ws_skips_started), then
 * their skipped records (run_records_run_status_seq), less what the entity table holds. Both are
 * partial indexes: SQLite uses one only when the query repeats its condition word for word, and
 * `+r.direction` keeps the planner off runs_ws_dir_started, which holds every inbound run.
 */
export async function waitingOnParent(
  db: Db,
  workspaceId: string,
  salesforceObject: string,
  kind: InboundKind,
): Promise<string[]> {
  const waiting = WAITING_REASONS[kind];
  if (!waiting) return [];
  const since = new Date(Date.now() - WAITING_DAYS * 86_400_000).toISOString();
  const rows = await db.all<{ id: string }>(sql`
    SELECT DISTINCT rr.salesforce_id AS id
    FROM runs r
    JOIN run_records rr ON rr.run_id = r.id AND rr.status = 'skipped' AND rr.status != 'success'
    WHERE r.workspace_id = ${workspaceId} AND r.started_at >= ${since} AND r.skipped > 0
      AND +r.direction = 'inbound' AND r.salesforce_object = ${salesforceObject}
      AND rr.reason_code IN (SELECT value FROM json_each(${JSON.stringify(waiting.reasons)}))
      AND rr.salesforce_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM ${sql.raw(waiting.table)} e
                      WHERE e.workspace_id = ${workspaceId} AND e.salesforce_id = rr.salesforce_id)
    LIMIT ${MAX_WAITING}`);
  return rows.map((r) => r.id).filter(isSalesforceId);
}
