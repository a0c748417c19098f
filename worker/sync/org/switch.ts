import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { syncState, workspaces } from "../../db/schema";

export type OrgChange = "first" | "same" | "changed";

/** What `unlinking_org_id` holds when the org the records were linked to was never remembered. */
export const UNKNOWN_ORG = "unknown";

/**
 * Called while an org's connection is stored, with the statements to commit in the same D1 batch:
 * the connection and what follows from which org it is are never seen apart. The org Conversion's
 * records are linked to is remembered per workspace (it outlives a disconnect). The same org again
 * keeps everything. Another org starts over: every object's watermark and backfill are reset (its
 * next backfill says why), chains still reading the old org lose their lease, and the records'
 * links to the old org's ids are removed by a queued job, chunk by chunk (unlink.ts); no inbound
 * chain or reconciliation runs until it is done. No remembered org is a first connection only if
 * the workspace never synced: a workspace that synced before migration 0010 and was disconnected
 * then has links and watermarks from an org nobody remembers, so it starts over too.
 */
export async function orgSwitch(
  db: Db,
  workspaceId: string,
  orgId: string | null,
): Promise<{ change: OrgChange; statements: unknown[] }> {
  if (!orgId) return { change: "same", statements: [] };
  const row = await db
    .select({ linked: workspaces.linkedOrgId })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId))
    .get();
  if (row?.linked === orgId) return { change: "same", statements: [] };
  if (!row?.linked && !(await hasSynced(db, workspaceId)))
    return {
      change: "first",
      statements: [db.update(workspaces).set({ linkedOrgId: orgId }).where(eq(workspaces.id, workspaceId))],
    };
  return {
    change: "changed",
    statements: [
      db
        .update(workspaces)
        .set({ linkedOrgId: orgId, unlinkingOrgId: row?.linked ?? UNKNOWN_ORG })
        .where(eq(workspaces.id, workspaceId)),
      db
        .update(syncState)
        .set({
          watermarkStamp: null,
          watermarkId: null,
          watermarkReadAt: null,
          backfillDone: false,
          lastCheckedAt: null,
          reconciledAt: null,
          deletesCheckedAt: null,
          pausedReason: null,
          // A chain still reading the old org stops at its next batch: it no longer holds the lease.
          leaseOwner: null,
          leaseExpiresAt: null,
          resetReason: "org_changed",
        })
        .where(eq(syncState.workspaceId, workspaceId)),
    ],
  };
}

/** Whether anything in the workspace came from an org: an object's sync state, or a linked record. */
async function hasSynced(db: Db, workspaceId: string): Promise<boolean> {
  const row = await db.get<{ n: number }>(sql`SELECT
    EXISTS (SELECT 1 FROM sync_state WHERE workspace_id = ${workspaceId})
    OR EXISTS (SELECT 1 FROM contacts WHERE workspace_id = ${workspaceId} AND salesforce_id IS NOT NULL)
    OR EXISTS (SELECT 1 FROM companies WHERE workspace_id = ${workspaceId} AND salesforce_id IS NOT NULL) AS n`);
  return Boolean(row?.n);
}
