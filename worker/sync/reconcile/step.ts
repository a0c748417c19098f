import { and, eq } from "drizzle-orm";
import { type Db, getDb } from "../../db";
import { commitBatch } from "../../db/commit";
import { runs, syncState } from "../../db/schema";
import { isoNow } from "../../lib/time";
import { openSalesforce, type SalesforceClient } from "../../salesforce";
import { loadSettings } from "../../settings";
import { startNextObject } from "../inbound/chain";
import { extraFields } from "../inbound/classify";
import { preparePage } from "../inbound/page";
import { readHead, type SalesforceRecord } from "../inbound/record";
import { acquireLease, extendLease, holdsLease, releaseLease } from "../leases";
import { objectSpec, SYSTEM_FIELDS } from "../objects";
import {
  closeRun,
  MAX_ATTEMPTS,
  type RunRecordInput,
  type RunRow,
  recountRun,
  retryDelaySeconds,
  saveRunProgress,
  toRunFailure,
  upsertRunRecords,
} from "../runs";
import { type LinkedRecord, linkedBetween, removeLinked } from "./compare";
import type { ReconcileMessage } from "./message";

/** Ids per call, as the id-only query asks Salesforce for them. */
export const IDS_PER_PAGE = 2_000;
/** Pages per invocation: ~8 D1 statements each keeps an invocation far inside its 1,000. */
export const PAGES_PER_STEP = 25;
// Ids per confirming `Id IN (…)` query: inside Salesforce's URL and SOQL length limits.
const CONFIRM_PER_QUERY = 500;
/** While the object's own chain holds the lease, the run waits this long before looking again. */
const LEASE_WAIT_SECONDS = 30;

interface ReconcileState {
  /** Every Salesforce id up to this one has been compared ("" = none yet). */
  after: string;
  /** Ids compared so far, and the next run record's seq. */
  done: number;
  seq: number;
}

export type StepResult = { retryDelaySeconds: number } | { done: true };

/**
 * One step of a reconciliation run: pages Salesforce's ids (id only, 2,000 a call, keyset on Id)
 * against the Conversion records linked to them, and removes what Salesforce no longer has. A
 * record missing from the page is asked for once more through queryAll: still there (id order is
 * not trusted blindly), deleted or merged (then it is applied like any inbound record: a merge folds
 * it into its winner), or gone for good (purged, hard-deleted: Conversion's record is deleted).
 */
export async function runReconcileStep(env: Env, m: ReconcileMessage, attempts: number): Promise<StepResult> {
  const db = getDb(env);
  const run = await db.select().from(runs).where(eq(runs.id, m.runId)).get();
  if (!run || run.workspaceId !== m.workspaceId) return { done: true };
  if (run.status !== "in_progress") {
    if (run.status === "completed" && m.remaining) await handOver(env, db, m);
    return { done: true };
  }
  if (!(await takeLease(db, m))) {
    await commitBatch(db, [saveRunProgress(db, run.id, JSON.parse(run.state))]);
    return { retryDelaySeconds: LEASE_WAIT_SECONDS };
  }
  const settings = await loadSettings(db, m.workspaceId);
  const spec = objectSpec(m.salesforceObject, settings.eventObject);
  let state: ReconcileState = { after: "", done: 0, seq: 0, ...(JSON.parse(run.state) as Partial<ReconcileState>) };
  let sf: SalesforceClient | null = null;
  try {
    if (!spec) throw new Error(`${m.salesforceObject} is not an object the sync knows`);
    sf = await openSalesforce(env, m.workspaceId);
    const fields = [
      ...new Set([
        ...SYSTEM_FIELDS,
        ...spec.fields,
        ...extraFields({ settings, salesforceObject: m.salesforceObject, spec }),
      ]),
    ];
    const base = {
      workspaceId: m.workspaceId,
      salesforceObject: m.salesforceObject,
      spec,
      settings,
      writeMode: settings.objects[m.salesforceObject]?.writeMode ?? "create_or_update",
    };
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
      const found = missing.length ? await confirm(sf, m.salesforceObject, fields, missing) : new Map();
      const deleted = [...found.values()].filter((r) => readHead(r).deleted);
      const prepared = await preparePage(db, base, deleted, state.seq);
      const gone = missing.filter((l) => !found.has(l.salesforceId));
      const vanished = gone.map((l, i) => vanishedRecord(m.salesforceObject, l, state.seq + deleted.length + i));
      const compared = upTo === null ? ids.length : ids.filter((id) => id <= upTo!).length;
      state = { after: upTo ?? "", done: state.done + compared, seq: state.seq + deleted.length + gone.length };
      const finished = upTo === null;
      await commitBatch(db, [
        ...prepared.statements,
        ...(gone.length
          ? [
              removeLinked(
                db,
                spec.kind,
                gone.map((l) => l.id),
              ),
            ]
          : []),
        ...upsertRunRecords(db, m.workspaceId, run.id, [...prepared.records, ...vanished]),
        saveRunProgress(db, run.id, state),
        extendLease(db, m.workspaceId, m.salesforceObject, m.leaseOwner),
      ]);
      if (finished) {
        await finish(env, db, m, run);
        return { done: true };
      }
    }
    await env.INBOUND_QUEUE.send(m);
    return { done: true };
  } catch (err) {
    const failure = toRunFailure(err);
    if (failure.transient && attempts < MAX_ATTEMPTS) return { retryDelaySeconds: retryDelaySeconds(env, attempts) };
    await commitBatch(db, [
      recountRun(db, run.id),
      closeRun(db, run, { status: "failed", failureCode: failure.code, failureDetail: failure.detail }),
      releaseLease(db, m.workspaceId, m.salesforceObject, m.leaseOwner),
    ]);
    if (m.remaining) await handOver(env, db, m);
    return { done: true };
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

async function salesforceIds(sf: SalesforceClient, object: string, after: string): Promise<string[]> {
  const where = after ? ` WHERE Id > '${checkedId(after)}'` : "";
  const ids: string[] = [];
  for await (const page of sf.queryPages(`SELECT Id FROM ${object}${where} ORDER BY Id ASC LIMIT ${IDS_PER_PAGE}`, {
    batchSize: IDS_PER_PAGE,
  })) {
    for (const r of page.records) {
      const id = readHead(r).id;
      if (id) ids.push(id);
    }
  }
  return ids;
}

/** The missing records as Salesforce has them now, deleted ones included (queryAll). */
async function confirm(
  sf: SalesforceClient,
  object: string,
  fields: string[],
  missing: LinkedRecord[],
): Promise<Map<string, SalesforceRecord>> {
  const found = new Map<string, SalesforceRecord>();
  for (let i = 0; i < missing.length; i += CONFIRM_PER_QUERY) {
    const list = missing
      .slice(i, i + CONFIRM_PER_QUERY)
      .map((l) => `'${checkedId(l.salesforceId)}'`)
      .join(", ");
    for await (const page of sf.queryPages(`SELECT ${fields.join(", ")} FROM ${object} WHERE Id IN (${list})`, {
      all: true,
    })) {
      for (const r of page.records) {
        const id = readHead(r).id;
        if (id) found.set(id, r);
      }
    }
  }
  return found;
}

function checkedId(id: string): string {
  if (!/^[a-zA-Z0-9]{15,18}$/.test(id)) throw new Error(`not a Salesforce id: ${id}`);
  return id;
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

async function finish(env: Env, db: Db, m: ReconcileMessage, run: RunRow) {
  const reconciled = db
    .update(syncState)
    .set({ reconciledAt: isoNow() })
    .where(and(eq(syncState.workspaceId, m.workspaceId), eq(syncState.salesforceObject, m.salesforceObject)));
  await commitBatch(db, [
    recountRun(db, run.id),
    closeRun(db, run, { status: "completed" }),
    reconciled,
    releaseLease(db, m.workspaceId, m.salesforceObject, m.leaseOwner),
  ]);
  if (m.remaining) await handOver(env, db, m);
}

/** Inside a cycle: the next object's chain starts, as after any object. */
async function handOver(env: Env, db: Db, m: ReconcileMessage) {
  await startNextObject(env, db, { workspaceId: m.workspaceId, cycleId: m.leaseOwner, remaining: m.remaining ?? [] });
}
