import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../db";
import { syncState } from "../db/schema";
import { isoIn, isoNow } from "../lib/time";

/** How long a chain may go without extending its lease before another cron tick may take over. */
export const LEASE_MS = 15 * 60 * 1000;

function ensureRow(db: Db, workspaceId: string, salesforceObject: string) {
  return db.insert(syncState).values({ workspaceId, salesforceObject }).onConflictDoNothing();
}

/**
 * Compare-and-set on the lease: succeeds only when nobody holds it or the holder's lease expired,
 * so two cron ticks (or a tick and "Sync now") never run one object's chain twice at once. A cycle
 * that is not the planner's (a push from Salesforce) leaves lastPlannedAt alone: the workspace's
 * next planned cycle stays due on time.
 */
export async function acquireLease(
  db: Db,
  workspaceId: string,
  salesforceObject: string,
  owner: string,
  opts: { planned?: boolean } = {},
): Promise<boolean> {
  await ensureRow(db, workspaceId, salesforceObject);
  const now = isoNow();
  const taken = await db
    .update(syncState)
    .set({
      leaseOwner: owner,
      leaseExpiresAt: isoIn(LEASE_MS),
      ...(opts.planned === false ? {} : { lastPlannedAt: now }),
    })
    .where(
      and(
        eq(syncState.workspaceId, workspaceId),
        eq(syncState.salesforceObject, salesforceObject),
        or(isNull(syncState.leaseOwner), lt(syncState.leaseExpiresAt, now)),
      ),
    )
    .returning({ owner: syncState.leaseOwner });
  return taken.length === 1;
}

/** Statement: extend the lease while its owner still holds it (used inside a page's batch). */
export function extendLease(db: Db, workspaceId: string, salesforceObject: string, owner: string) {
  return db
    .update(syncState)
    .set({ leaseExpiresAt: isoIn(LEASE_MS) })
    .where(
      and(
        eq(syncState.workspaceId, workspaceId),
        eq(syncState.salesforceObject, salesforceObject),
        eq(syncState.leaseOwner, owner),
      ),
    );
}

export function releaseLease(db: Db, workspaceId: string, salesforceObject: string, owner: string | null) {
  const match = owner === null ? sql`1` : eq(syncState.leaseOwner, owner);
  return db
    .update(syncState)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(syncState.workspaceId, workspaceId), eq(syncState.salesforceObject, salesforceObject), match));
}

export async function holdsLease(
  db: Db,
  workspaceId: string,
  salesforceObject: string,
  owner: string,
): Promise<boolean> {
  const row = await db
    .select({ owner: syncState.leaseOwner })
    .from(syncState)
    .where(and(eq(syncState.workspaceId, workspaceId), eq(syncState.salesforceObject, salesforceObject)))
    .get();
  return row?.owner === owner;
}
