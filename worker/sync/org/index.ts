import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { commitBatch } from "../../db/commit";
import {
  companies,
  contacts,
  events,
  opportunities,
  opportunityContactRoles,
  syncState,
  workspaces,
} from "../../db/schema";

export type OrgChange = "first" | "same" | "changed";

/**
 * Called when an org is connected. The org Conversion's records are linked to is remembered per
 * workspace (it outlives a disconnect). The same org again keeps everything. Another org starts
 * over: every object's watermark and backfill are reset (its next backfill says why), and every
 * Conversion record is unlinked from the old org's ids — a sandbox copies its production's ids, and
 * a reconciliation against the new org must not delete what only the old one had. The records
 * stay in Conversion; the new org's backfill links contacts again by email and brings its own
 * companies, opportunities, contact roles and events.
 */
export async function adoptOrg(db: Db, workspaceId: string, orgId: string | null): Promise<OrgChange> {
  if (!orgId) return "same";
  const row = await db
    .select({ linked: workspaces.linkedOrgId })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId))
    .get();
  if (row?.linked === orgId) return "same";
  const remember = db.update(workspaces).set({ linkedOrgId: orgId }).where(eq(workspaces.id, workspaceId));
  // Nothing remembered (a first connection, or one from before migration 0010): nothing to undo.
  if (!row?.linked) {
    await remember;
    return "first";
  }
  const unlink = [companies, opportunities, opportunityContactRoles, events].map((table) =>
    db.run(sql`UPDATE ${table} SET salesforce_id = NULL, sf_modstamp = NULL WHERE workspace_id = ${workspaceId}`),
  );
  await commitBatch(db, [
    remember,
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
    db
      .update(contacts)
      .set({ salesforceId: null, salesforceObject: null, sfModstamp: null })
      .where(eq(contacts.workspaceId, workspaceId)),
    ...unlink,
  ]);
  return "changed";
}
