import { sql } from "drizzle-orm";
import type { Db } from "../../db";
import { runs } from "../../db/schema";
import { sha256 } from "../../lib/crypto";
import { isoNow } from "../../lib/time";
import type { EntityType } from "./message";

export const RECONNECT_DETAIL =
  "The Salesforce connection needs to be reconnected. Conversion's changes wait and are pushed to Salesforce once it is reconnected.";

// Runs that already told the admin can only have started shortly before the connection went bad.
const TOLD_WITHIN_MS = 60 * 60 * 1000;

/**
 * While the connection needs a reconnect, pushing waits. The admin is told once per disconnection:
 * by the run whose call met the refusal, or else by one Failed run made here ("Authentication
 * failure", reconnect from the Overview tab), never by a new Failed run at every resend. The run's
 * id comes from the moment the connection went bad, so racing consumers make it once.
 */
export async function waitForReconnect(db: Db, workspaceId: string, type: EntityType, since: string) {
  const from = new Date(Date.parse(since) - TOLD_WITHIN_MS).toISOString();
  const told = await db.get<{ n: number }>(sql`
    SELECT count(*) AS n FROM runs
    WHERE workspace_id = ${workspaceId} AND status = 'failed' AND started_at >= ${from}
      AND direction = 'outbound' AND failure_code = 'authentication_failure' AND finished_at >= ${since}`);
  if ((told?.n ?? 0) > 0) return;
  const now = isoNow();
  await db
    .insert(runs)
    .values({
      id: `run_auth${(await sha256(`${workspaceId}|${since}`)).slice(0, 18)}`,
      workspaceId,
      direction: "outbound",
      objectType: type,
      salesforceObject: type === "company" ? "Account" : "Lead",
      kind: "push",
      status: "failed",
      startedAt: now,
      finishedAt: now,
      durationMs: 0,
      failureCode: "authentication_failure",
      failureDetail: RECONNECT_DETAIL,
      heartbeatAt: now,
      reasonCounts: "[]",
    })
    .onConflictDoNothing();
}
