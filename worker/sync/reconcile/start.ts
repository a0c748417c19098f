import { and, eq } from "drizzle-orm";
import { type Db, type ShardEnv, shardDb } from "../../db";
import { runs, syncState } from "../../db/schema";
import { newId, sha256 } from "../../lib/crypto";
import { isoNow } from "../../lib/time";
import { openSalesforce } from "../../salesforce";
import { loadSettings } from "../../settings";
import type { InboundBatchMessage } from "../inbound/message";
import { objectSpec } from "../objects";
import { openRun, type RunRow } from "../runs";
import type { ReconcileMessage } from "./message";

const DAY_MS = 86_400_000;
/** Without any other cause, an object's ids are compared at most (and at least) this often. */
export const RECONCILE_EVERY_MS = 7 * DAY_MS;
/** Salesforce's recycle bin: deletes older than this are gone from queryAll and getDeleted. */
export const RECYCLE_BIN_MS = 15 * DAY_MS;
/** How often a chain asks getDeleted whether the delete log still reaches back to its watermark. */
export const DELETES_CHECK_MS = 60 * 60 * 1000;

export type ReconcileReason = "weekly" | "sync_was_off" | "deletes_unknown";

/**
 * Whether an object's chain should end with a reconciliation run: a week since the last one, the
 * sync off for longer than the recycle bin keeps deletes, or (asked at most hourly, one API call)
 * getDeleted's earliestDateAvailable later than the watermark the chain started from.
 */
export async function reconcileDue(env: ShardEnv, db: Db, m: InboundBatchMessage): Promise<ReconcileReason | null> {
  const where = and(eq(syncState.workspaceId, m.workspaceId), eq(syncState.salesforceObject, m.salesforceObject));
  const state = await db.select().from(syncState).where(where).get();
  if (!state) return null;
  const now = Date.now();
  const since = (iso: string | null) => (iso ? now - Date.parse(iso) : Number.POSITIVE_INFINITY);
  if (since(state.reconciledAt) >= RECONCILE_EVERY_MS) return "weekly";
  // lastCheckedAt is still the previous chain's: this chain has not finished yet.
  if (since(state.lastCheckedAt ?? state.watermarkReadAt) > RECYCLE_BIN_MS) return "sync_was_off";
  if (since(state.deletesCheckedAt) < DELETES_CHECK_MS) return null;
  const watermark = m.seenUpTo?.stamp ?? state.watermarkStamp;
  await db.update(syncState).set({ deletesCheckedAt: isoNow() }).where(where);
  if (!watermark) return null;
  try {
    const sf = await openSalesforce(env, m.workspaceId);
    const { earliestDateAvailable } = await sf
      .deletedSince(m.salesforceObject, new Date(now - DAY_MS).toISOString(), new Date(now).toISOString())
      .finally(() => sf.flushUsage().catch(() => undefined));
    const earliest = earliestDateAvailable ? Date.parse(earliestDateAvailable.replace(/\+0000$/, "Z")) : Number.NaN;
    return earliest > Date.parse(watermark) ? "deletes_unknown" : null;
  } catch {
    // A refused check costs nothing but this hour's look: the weekly run still comes.
    return null;
  }
}

/** Inside a cycle, holding the object's lease: the reconciliation run and its first step. */
export async function startReconcileInCycle(env: ShardEnv, db: Db, m: InboundBatchMessage, reason: ReconcileReason) {
  const runId = `run_${(await sha256(`reconcile|${m.workspaceId}|${m.salesforceObject}|${m.cycleId}`)).slice(0, 22)}`;
  await open(db, m.workspaceId, m.salesforceObject, runId, reason);
  await env.INBOUND_QUEUE.send({
    type: "inbound_reconcile",
    workspaceId: m.workspaceId,
    salesforceObject: m.salesforceObject,
    runId,
    leaseOwner: m.cycleId,
    remaining: m.remaining,
  } satisfies ReconcileMessage);
}

async function open(
  db: Db,
  workspaceId: string,
  salesforceObject: string,
  runId: string,
  reason: string,
  confirmDeletes = false,
) {
  const settings = await loadSettings(db, workspaceId);
  const spec = objectSpec(salesforceObject, settings.eventObject);
  return openRun(db, {
    id: runId,
    workspaceId,
    direction: "inbound",
    objectType: spec?.objectType ?? "contact",
    salesforceObject,
    kind: "reconcile",
    startedAt: isoNow(),
    state: { after: "", done: 0, seq: 0, reason, ...(confirmDeletes ? { confirmDeletes } : {}) },
  });
}

/** Reconciliation runs of the workspace still in progress. */
export async function reconcilesInProgress(db: Db, workspaceId: string): Promise<RunRow[]> {
  return db
    .select()
    .from(runs)
    .where(and(eq(runs.workspaceId, workspaceId), eq(runs.kind, "reconcile"), eq(runs.status, "in_progress")))
    .all();
}

/**
 * POST /sync/reconcile: a reconciliation run per object, each taking its object's lease when the
 * object's own chain is not running (it waits for it otherwise). `confirmDeletes`: the admin
 * confirmed that many records really are gone, so the circuit breaker does not stop the runs.
 */
export async function startReconcile(
  env: ShardEnv,
  workspaceId: string,
  objects: string[],
  confirmDeletes = false,
): Promise<RunRow[]> {
  const db = shardDb(env);
  const started: RunRow[] = [];
  for (const salesforceObject of objects) {
    const run = await open(db, workspaceId, salesforceObject, newId("run"), "requested", confirmDeletes);
    await env.INBOUND_QUEUE.send({
      type: "inbound_reconcile",
      workspaceId,
      salesforceObject,
      runId: run.id,
      leaseOwner: run.id,
    } satisfies ReconcileMessage);
    started.push(run);
  }
  return started;
}
