import { and, eq } from "drizzle-orm";
import { type Db, type ShardEnv, shardDb } from "../../db";
import { commitBatch } from "../../db/commit";
import { runs, syncState } from "../../db/schema";
import { isoNow } from "../../lib/time";
import { budgetStatus, openSalesforce, type SalesforceClient } from "../../salesforce";
import { loadSettings } from "../../settings";
import { readByIds } from "../inbound/by-ids";
import { startNextObject } from "../inbound/chain";
import { readableFields } from "../inbound/fields";
import { pageBase, pageWrites, preparePage } from "../inbound/page";
import { readHead } from "../inbound/record";
import { acquireLease, extendLease, holdsLease, releaseLease } from "../leases";
import { objectSpec } from "../objects";
import {
  closeRun,
  failRun,
  MAX_ATTEMPTS,
  type RunRecordInput,
  type RunRow,
  recountRun,
  retryDelaySeconds,
  saveRunProgress,
  toRunFailure,
} from "../runs";
import { countLinked, type LinkedRecord, linkedBetween, removeLinked } from "./compare";
import { busyTooLong, deleteLimit, leaseLost, orgRefusal, type Refusal, tooManyGone } from "./guard";
import { IDS_PER_PAGE, salesforceCount, salesforceIds } from "./ids";
import type { ReconcileMessage } from "./message";

export { IDS_PER_PAGE } from "./ids";
/** Pages per invocation: ~8 D1 statements each keeps an invocation far inside its 1,000. */
export const PAGES_PER_STEP = 25;
/** While the object's own chain holds the lease, the run looks again this often, for at most LEASE_WAIT_MAX_MS. */
const LEASE_WAIT_SECONDS = 30;
export const LEASE_WAIT_MAX_MS = 2 * 60 * 60 * 1000;

interface ReconcileState {
  /** Every Salesforce id up to this one has been compared ("" = none yet). */
  after: string;
  /** Ids compared so far, and the next run record's seq. */
  done: number;
  seq: number;
  /** Records gone for good removed so far; linked records when the run began, and how many it may remove. */
  gone?: number;
  linked?: number;
  limit?: number;
  /** Asked through the API: remove past the limit. */
  confirmDeletes?: boolean;
}

export type StepResult = { retryDelaySeconds: number } | { done: true };

/**
 * One step of a reconciliation run: pages Salesforce's ids (id only, 2,000 a call, keyset on Id)
 * against the Conversion records linked to them, and removes what Salesforce no longer has. A
 * record missing from the page is asked for once more through queryAll: still there (id order is
 * not trusted blindly), deleted or merged (then it is applied like any inbound record: a merge folds
 * it into its winner), or gone for good (purged, hard-deleted: Conversion's record is deleted).
 * Nothing is deleted unless the connected org is the one the records are linked to, and no more
 * than deleteLimit records gone for good without confirmDeletes (the circuit breaker).
 */
export async function runReconcileStep(env: ShardEnv, m: ReconcileMessage, attempts: number): Promise<StepResult> {
  const db = shardDb(env);
  const run = await db.select().from(runs).where(eq(runs.id, m.runId)).get();
  if (!run || run.workspaceId !== m.workspaceId) return { done: true };
  if (run.status !== "in_progress") {
    if (run.status === "completed" && m.remaining) await handOver(env, db, m);
    return { done: true };
  }
  let state: ReconcileState = { after: "", done: 0, seq: 0, ...(JSON.parse(run.state) as Partial<ReconcileState>) };
  if (!(await takeLease(db, m))) {
    // A cycle's check whose cycle lost the lease never gets it back: close it and let the cycle go on.
    if (m.leaseOwner !== m.runId) return refuse(env, db, m, run, leaseLost(m.salesforceObject), false);
    const since = m.waitingSince ?? isoNow();
    if (Date.now() - Date.parse(since) > LEASE_WAIT_MAX_MS)
      return refuse(env, db, m, run, busyTooLong(m.salesforceObject), false);
    // Waiting is not a failure: the message is sent again later instead of spending queue retries.
    await commitBatch(db, [saveRunProgress(db, run, state)]);
    await env.INBOUND_QUEUE.send({ ...m, waitingSince: since }, { delaySeconds: LEASE_WAIT_SECONDS });
    return { done: true };
  }
  const settings = await loadSettings(db, m.workspaceId);
  const spec = objectSpec(m.salesforceObject, settings.eventObject);
  const refusal = await orgRefusal(db, m.workspaceId);
  if (refusal) return refuse(env, db, m, run, refusal, true);
  const budget = await budgetStatus(env, m.workspaceId, settings.apiDailyBudget);
  if (budget.paused)
    return refuse(
      env,
      db,
      m,
      run,
      { code: "api_limit_exceeded", detail: budget.reason ?? "API limit exceeded" },
      false,
    );
  let sf: SalesforceClient | null = null;
  try {
    if (!spec) throw new Error(`${m.salesforceObject} is not an object the sync knows`);
    sf = await openSalesforce(env, m.workspaceId);
    if (state.limit === undefined) {
      // Before anything is deleted: what Conversion has linked against what Salesforce shows. The
      // difference is a floor on what this run would remove.
      const linked = await countLinked(db, m.workspaceId, spec.kind, m.salesforceObject);
      const visible = await salesforceCount(sf, m.salesforceObject);
      state = { ...state, gone: 0, linked, limit: deleteLimit(linked) };
      if (!state.confirmDeletes && linked - visible > state.limit!)
        return refuse(env, db, m, run, tooManyGone(m.salesforceObject, linked - visible, linked, state.limit!), true);
    }
    const fields = await readableFields(db, sf, m.workspaceId, m.salesforceObject, settings, spec);
    const base = pageBase(m.workspaceId, m.salesforceObject, spec, settings, run.id);
    const lease = { workspaceId: m.workspaceId, salesforceObject: m.salesforceObject, owner: m.leaseOwner };
    const pages = Math.min(PAGES_PER_STEP, Math.max(1, m.pagesPerStep ?? PAGES_PER_STEP));
    for (let page = 0; page < pages; page++) {
      const ids = await salesforceIds(sf, m.salesforceObject, state.after);
      let upTo: string | null = ids.length < IDS_PER_PAGE ? null : ids.at(-1)!;
      let linked = await linkedBetween(
        db,
        m.workspaceId,
        spec.kind,
        m.salesforceObject,
        state.after,
        upTo,
        IDS_PER_PAGE,
      );
      // More linked records than a page holds (Salesforce lost many): this step judges the first page of them.
      if (linked.length === IDS_PER_PAGE) upTo = linked.at(-1)!.salesforceId;
      linked = linked.filter((l) => upTo === null || l.salesforceId <= upTo);
      const present = new Set(ids);
      const missing = linked.filter((l) => !present.has(l.salesforceId));
      const found = new Map(
        (
          await readByIds(
            sf,
            m.salesforceObject,
            fields,
            missing.map((l) => l.salesforceId),
          )
        ).map((r) => [readHead(r).id, r]),
      );
      const deleted = [...found.values()].filter((r) => readHead(r).deleted);
      const gone = missing.filter((l) => !found.has(l.salesforceId));
      const goneSoFar = (state.gone ?? 0) + gone.length;
      if (!state.confirmDeletes && goneSoFar > (state.limit ?? 0))
        return refuse(
          env,
          db,
          m,
          run,
          tooManyGone(m.salesforceObject, goneSoFar, state.linked ?? 0, state.limit!),
          true,
        );
      const prepared = await preparePage(db, base, deleted, state.seq);
      const vanished = gone.map((l, i) => vanishedRecord(m.salesforceObject, l, state.seq + deleted.length + i));
      const compared = upTo === null ? ids.length : ids.filter((id) => id <= upTo!).length;
      state = {
        ...state,
        after: upTo ?? "",
        done: state.done + compared,
        seq: state.seq + deleted.length + gone.length,
        gone: goneSoFar,
      };
      // The lease is checked right before the commit and again inside it (removeLinked).
      if (!(await holdsLease(db, m.workspaceId, m.salesforceObject, m.leaseOwner)))
        return refuse(env, db, m, run, leaseLost(m.salesforceObject), false);
      await commitBatch(db, [
        ...(gone.length
          ? [
              removeLinked(
                db,
                lease,
                spec.kind,
                gone.map((l) => l.id),
              ),
            ]
          : []),
        ...pageWrites(db, prepared, vanished, new Map(gone.map((l, i) => [vanished[i]!.seq, { history: l.history }]))),
        saveRunProgress(db, run, state),
        extendLease(db, m.workspaceId, m.salesforceObject, m.leaseOwner),
      ]);
      if (upTo === null) {
        await finish(env, db, m, run);
        return { done: true };
      }
    }
    await env.INBOUND_QUEUE.send(m);
    return { done: true };
  } catch (err) {
    const failure = toRunFailure(err);
    if (failure.transient && attempts < MAX_ATTEMPTS) return { retryDelaySeconds: retryDelaySeconds(env, attempts) };
    return refuse(env, db, m, run, { code: failure.code, detail: failure.detail }, false);
  } finally {
    await sf?.flushUsage().catch(() => undefined);
  }
}

/** A run started from the API takes the object's lease itself; one inside a cycle already has it. */
async function takeLease(db: Db, m: ReconcileMessage): Promise<boolean> {
  if (await holdsLease(db, m.workspaceId, m.salesforceObject, m.leaseOwner)) return true;
  if (m.leaseOwner !== m.runId) return false;
  return acquireLease(db, m.workspaceId, m.salesforceObject, m.leaseOwner);
}

/**
 * The run ends Failed with its words, its lease released, and the cycle goes on. `checked`: the
 * run was refused on purpose (wrong org, circuit breaker), so the weekly check does not come back
 * at every cycle; the admin acts on the words instead.
 */
async function refuse(env: ShardEnv, db: Db, m: ReconcileMessage, run: RunRow, why: Refusal, checked: boolean) {
  await commitBatch(db, [
    // Deletes already committed stay a Completed run; the refusal is a Failed run with none (runs/fail.ts).
    ...failRun(db, run, why),
    ...(checked ? [reconciledNow(db, m)] : []),
    releaseLease(db, m.workspaceId, m.salesforceObject, m.leaseOwner),
  ]);
  if (m.remaining) await handOver(env, db, m);
  return { done: true } as const;
}

function reconciledNow(db: Db, m: ReconcileMessage) {
  return db
    .update(syncState)
    .set({ reconciledAt: isoNow() })
    .where(and(eq(syncState.workspaceId, m.workspaceId), eq(syncState.salesforceObject, m.salesforceObject)));
}

function vanishedRecord(salesforceObject: string, l: LinkedRecord, seq: number): RunRecordInput {
  return {
    key: l.salesforceId,
    seq,
    salesforceId: l.salesforceId,
    salesforceObject,
    conversionId: l.id,
    label: l.label ?? l.salesforceId,
    email: salesforceObject === "Lead" || salesforceObject === "Contact" ? l.label : null,
    action: "deleted",
    status: "success",
    reasonCode: null,
    reasonDetail: null,
    externalCreatedAt: null,
    externalUpdatedAt: null,
    changes: [],
  };
}

async function finish(env: ShardEnv, db: Db, m: ReconcileMessage, run: RunRow) {
  await commitBatch(db, [
    recountRun(db, run),
    closeRun(db, run, { status: "completed" }),
    reconciledNow(db, m),
    releaseLease(db, m.workspaceId, m.salesforceObject, m.leaseOwner),
  ]);
  if (m.remaining) await handOver(env, db, m);
}

/** Inside a cycle: the next object's chain starts, as after any object. */
async function handOver(env: ShardEnv, db: Db, m: ReconcileMessage) {
  await startNextObject(env, db, { workspaceId: m.workspaceId, cycleId: m.leaseOwner, remaining: m.remaining ?? [] });
}
