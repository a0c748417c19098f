import { and, eq } from "drizzle-orm";
import type { Db, ShardEnv } from "../../db";
import { syncState } from "../../db/schema";
import { isoIn, isoNow } from "../../lib/time";
import { extendLease, LEASE_MS, releaseLease } from "../leases";
import { resendWaiting } from "../outbound";
import { reconcileDue, startReconcileInCycle } from "../reconcile/start";
import type { InboundBatchMessage } from "./message";
import { queueBatch } from "./queues";
import { BACKFILL_BATCH, INCREMENTAL_BATCH, type WindowStart } from "./window";

/** Statement: advance the watermark with a committed page, and extend the chain's lease. */
export function advanceWatermark(db: Db, m: InboundBatchMessage, to: WindowStart, readAt: string) {
  return db
    .update(syncState)
    .set({
      watermarkStamp: to?.stamp ?? null,
      watermarkId: to?.id ?? null,
      watermarkReadAt: readAt,
      leaseExpiresAt: isoIn(LEASE_MS),
    })
    .where(
      and(
        eq(syncState.workspaceId, m.workspaceId),
        eq(syncState.salesforceObject, m.salesforceObject),
        eq(syncState.leaseOwner, m.cycleId),
      ),
    );
}

/**
 * A record's SystemModstamp is set when its transaction writes it, not when the transaction commits:
 * a long transaction (a bulk load, batch Apex) makes records appear behind a watermark already
 * read. Every incremental read therefore starts this far before the watermark; records it already
 * has count as unchanged and leave no trace. INBOUND_LOOKBACK_SECONDS overrides it (Airbyte: 600).
 */
export const DEFAULT_LOOKBACK_SECONDS = 600;

export function lookbackSeconds(env: { INBOUND_LOOKBACK_SECONDS?: string }): number {
  const n = Number(env.INBOUND_LOOKBACK_SECONDS ?? DEFAULT_LOOKBACK_SECONDS);
  return Number.isFinite(n) ? Math.min(86_400, Math.max(0, Math.floor(n))) : DEFAULT_LOOKBACK_SECONDS;
}

export function resumePoint(stamp: string | null, id: string | null, lookback: number): WindowStart {
  if (!stamp || !id) return null;
  if (lookback <= 0) return { stamp, id };
  // "000000000000000" sorts before every real id, so the window opens at the start of that second.
  return { stamp: new Date(Date.parse(stamp) - lookback * 1000).toISOString(), id: "000000000000000" };
}

/** The first batch of an object's chain: a backfill until one has finished, then incremental from the watermark. */
export async function firstBatch(
  db: Db,
  workspaceId: string,
  salesforceObject: string,
  cycleId: string,
  remaining: string[],
  lookback = DEFAULT_LOOKBACK_SECONDS,
): Promise<InboundBatchMessage> {
  const state = await db
    .select()
    .from(syncState)
    .where(and(eq(syncState.workspaceId, workspaceId), eq(syncState.salesforceObject, salesforceObject)))
    .get();
  const backfill = !state?.backfillDone;
  const watermark: WindowStart =
    state?.watermarkStamp && state.watermarkId ? { stamp: state.watermarkStamp, id: state.watermarkId } : null;
  const after = resumePoint(state?.watermarkStamp ?? null, state?.watermarkId ?? null, lookback);
  return {
    type: "inbound_batch",
    workspaceId,
    salesforceObject,
    kind: backfill ? "backfill" : "incremental",
    cycleId,
    batchNo: 1,
    after,
    seenUpTo: after && watermark && after.stamp === watermark.stamp && after.id === watermark.id ? null : watermark,
    limit: backfill ? BACKFILL_BATCH : INCREMENTAL_BATCH,
    remaining,
    ...(backfill && state?.resetReason ? { note: state.resetReason } : {}),
  };
}

/**
 * What follows a batch: the next window of the same object when the batch was full, otherwise the
 * object is done (backfill marked, lease released) and the cycle moves to its next object.
 */
export async function continueChain(
  env: ShardEnv,
  db: Db,
  m: InboundBatchMessage,
  full: boolean,
  after: WindowStart,
): Promise<void> {
  if (full) {
    await queueBatch(env, { ...m, batchNo: m.batchNo + 1, after } satisfies InboundBatchMessage);
    return;
  }
  // Salesforce may no longer know every delete since the watermark: the object's lease passes to a
  // reconciliation run, which hands over to the next object when it is done.
  const reconcile = m.kind === "incremental" ? await reconcileDue(env, db, m) : null;
  const release = reconcile
    ? extendLease(db, m.workspaceId, m.salesforceObject, m.cycleId)
    : releaseLease(db, m.workspaceId, m.salesforceObject, m.cycleId);
  // Read up to now: the Overview's "Last checked" for this object (and the backfill, if it was one, is
  // done: what it read is what Salesforce has, so it counts as the object's first reconciliation).
  const now = isoNow();
  const checked = db
    .update(syncState)
    .set({
      lastCheckedAt: now,
      ...(m.kind === "backfill" ? { backfillDone: true, reconciledAt: now, resetReason: null } : {}),
    })
    .where(
      and(
        eq(syncState.workspaceId, m.workspaceId),
        eq(syncState.salesforceObject, m.salesforceObject),
        eq(syncState.leaseOwner, m.cycleId),
      ),
    );
  await db.batch([checked, release]);
  // Creates that waited for this backfill after an org change (outbound/hold.ts) go out now.
  if (m.kind === "backfill" && m.note === "org_changed")
    await resendWaiting(env, m.workspaceId).catch((err) =>
      console.error("resend after backfill failed", err instanceof Error ? err.message : String(err)),
    );
  if (reconcile) await startReconcileInCycle(env, db, m, reconcile);
  else await startNextObject(env, db, m);
}

/** After a failed batch: this object waits for the next cycle (watermark where it was), the others go on. */
export async function skipToNextObject(env: ShardEnv, db: Db, m: InboundBatchMessage): Promise<void> {
  await releaseLease(db, m.workspaceId, m.salesforceObject, m.cycleId);
  await startNextObject(env, db, m);
}

/** The next object of the cycle, if any, starts its chain. */
export async function startNextObject(
  env: ShardEnv,
  db: Db,
  m: Pick<InboundBatchMessage, "workspaceId" | "cycleId" | "remaining">,
) {
  const [next, ...rest] = m.remaining;
  if (next) await queueBatch(env, await firstBatch(db, m.workspaceId, next, m.cycleId, rest, lookbackSeconds(env)));
}

/** Ends the cycle early (authentication or API limit): every object still waiting gives its lease back. */
export async function abandonChain(db: Db, m: InboundBatchMessage): Promise<void> {
  await db.batch([
    releaseLease(db, m.workspaceId, m.salesforceObject, m.cycleId),
    ...m.remaining.map((object) => releaseLease(db, m.workspaceId, object, m.cycleId)),
  ] as [ReturnType<typeof releaseLease>, ...ReturnType<typeof releaseLease>[]]);
}
