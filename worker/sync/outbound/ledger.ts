import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { commitBatch } from "../../db/commit";
import { companies, contacts, outbox, runs } from "../../db/schema";
import { sha256 } from "../../lib/crypto";
import { isoNow } from "../../lib/time";
import { appendRefs } from "../entities";
import { closeRun, failRun, type RunOutcome, type RunRecordInput, type RunRow, recountRun } from "../runs";
import { refOf } from "../runs/history";
import { layoutPages } from "../runs/pages";
import { type RunWrite, runRecordWrites } from "../runs/write";
import { linkCreated, markProcessed } from "./commit";
import type { EntityType } from "./message";
import type { PushObject } from "./plan";

/**
 * A batch's deliveries go in rounds: a round ends when its runs are closed and its claim is gone
 * (the call failed; the sweep sent the rows again), and the next delivery starts the next round
 * with a key of its own. Round 0's key is the batch's key; a later round's is `<batch key>.<round>`.
 */
function roundOf(batchKey: string): { base: string; round: number } {
  const dot = batchKey.lastIndexOf(".");
  return dot < 0
    ? { base: batchKey, round: 0 }
    : { base: batchKey.slice(0, dot), round: Number(batchKey.slice(dot + 1)) };
}

const keyOfRound = (base: string, round: number) => (round ? `${base}.${round}` : base);

/** Rounds are written in base 36, four characters wide: ids of later rounds sort after earlier ones. */
const ROUND_WIDTH = 4;

/**
 * A batch's runs share a prefix of their ids, then the round, so "the runs of this round" is one
 * range of the primary key and "the latest round" one step down it, with no column of their own.
 */
async function batchPrefix(base: string): Promise<string> {
  return `run_${(await sha256(`${base}|rounds`)).slice(0, 12)}`;
}

async function roundPrefix(batchKey: string): Promise<string> {
  const { base, round } = roundOf(batchKey);
  return `${await batchPrefix(base)}${round.toString(36).padStart(ROUND_WIDTH, "0")}`;
}

/** Ids are base64url after a prefix, every character of which sorts before "~". */
const idsFrom = (prefix: string) => sql`${runs.id} >= ${prefix} AND ${runs.id} < ${`${prefix}~`}`;

/**
 * A run's id: the round's prefix, then the object and (for a push) the key of the call's first
 * record. A redelivered batch pushes the same call again and finds the same run; a retry has one
 * run per object, opened before its push (startOutboundRetry).
 */
export async function runIdFor(batchKey: string, object: PushObject, callKey?: string): Promise<string> {
  const tail = (await sha256(callKey === undefined ? object : `${object}|${callKey}`)).slice(0, 10);
  return `${await roundPrefix(batchKey)}${tail}`;
}

/** The runs a round's deliveries made (none before its first call). */
async function runsOfKey(db: Db, workspaceId: string, batchKey: string): Promise<RunRow[]> {
  return db
    .select()
    .from(runs)
    .where(and(eq(runs.workspaceId, workspaceId), idsFrom(await roundPrefix(batchKey))))
    .all();
}

/** The batch's latest round that made runs, and their statuses, in one statement; null before any. */
async function latestRound(db: Db, workspaceId: string, base: string) {
  const prefix = await batchPrefix(base);
  const length = prefix.length + ROUND_WIDTH;
  const rows = await db.all<{ id: string; status: string }>(sql`
    WITH latest AS (
      SELECT substr(id, 1, ${length}) AS p FROM runs
      WHERE workspace_id = ${workspaceId} AND ${idsFrom(prefix)} ORDER BY id DESC LIMIT 1)
    SELECT runs.id AS id, runs.status AS status FROM runs, latest
    WHERE runs.workspace_id = ${workspaceId} AND runs.id >= latest.p AND runs.id < latest.p || '~'`);
  if (!rows.length) return null;
  return {
    round: Number.parseInt(rows[0]!.id.slice(prefix.length, length), 36),
    open: rows.some((r) => r.status === "in_progress"),
  };
}

/** Whether any of these rows is still pending under this key's claim: a delivery of it is unfinished. */
async function claimedBy(db: Db, outboxIds: string[], batchKey: string): Promise<boolean> {
  const row = await db.get<{ n: number }>(sql`
    SELECT count(*) AS n FROM outbox, json_each(${JSON.stringify(outboxIds)}) AS j
    WHERE outbox.id = j.value AND outbox.processed_at IS NULL AND outbox.run_id = ${batchKey}`);
  return (row?.n ?? 0) > 0;
}

/**
 * The batch key, deterministic from the batch's outbox ids, so a redelivered batch finds its own
 * claim and runs. The latest round that made runs is unfinished while some of its runs are open
 * or its claim still holds named rows (a delivery that failed part-way resumes); when it is
 * finished and named rows are pending (a call failed; the sweep sent them again), the next round
 * starts, and redeliveries of that resend find the same round. Two statements at most, however
 * many rounds came before. Null when already done.
 */
export async function resolveBatchKey(
  db: Db,
  workspaceId: string,
  type: EntityType,
  outboxIds: string[],
  pending: boolean,
) {
  const base = `obb_${(await sha256(`${workspaceId}|${type}|${[...outboxIds].sort().join(",")}`)).slice(0, 22)}`;
  const latest = await latestRound(db, workspaceId, base);
  if (!latest) return pending ? base : null;
  const key = keyOfRound(base, latest.round);
  if (latest.open || (await claimedBy(db, outboxIds, key))) return key;
  return pending ? keyOfRound(base, latest.round + 1) : null;
}

/** One call's run: which run, and where its records' numbering starts. */
export interface CallRun {
  id: string;
  object: PushObject;
  startedAt: string;
  firstSeq: number;
}

export interface CallCommit {
  records: RunRecordInput[];
  /** Outbox rows this commit settles: skipped records always, written ones when the call was answered. */
  outboxIds: string[];
  links?: { entityId: string; salesforceId: string }[];
  /** More statements of the same D1 batch (the create journal's settled entries). */
  also?: unknown[];
}

/**
 * One group's runs. A push has one run per Salesforce call (its batch), written when the call is
 * answered or failed, together with its records, counts and close: a run's status is its own call's.
 * A retry keeps the one run per object its request opened.
 */
export function createLedger(db: Db, workspaceId: string, type: EntityType, batchKey: string) {
  const isRetry = batchKey.startsWith("obr_");
  const nextSeq = new Map<string, number>();

  return {
    batchKey,
    /** The run of a call whose first record has `callKey`, and the first of `count` sequence numbers. */
    async runFor(object: PushObject, callKey: string, count: number): Promise<CallRun> {
      const startedAt = isoNow();
      if (!isRetry) return { id: await runIdFor(batchKey, object, callKey), object, startedAt, firstSeq: 0 };
      const id = await runIdFor(batchKey, object);
      let seq = nextSeq.get(id);
      if (seq === undefined) {
        const last = await db.get<{ n: number | null }>(sql`SELECT max(n) AS n FROM (
          SELECT max(last_seq) AS n FROM run_pages WHERE workspace_id = ${workspaceId} AND run_id = ${id}
          UNION ALL SELECT max(seq) FROM run_records WHERE run_id = ${id})`);
        seq = (last?.n ?? -1) + 1;
      }
      nextSeq.set(id, seq + count);
      return { id, object, startedAt, firstSeq: seq };
    },
    /**
     * The statements of one call's outcome, for one D1 batch: the run (made now unless it exists),
     * its records, the settled outbox rows, new Salesforce ids, counts from the records, the close.
     */
    commit(run: CallRun, call: CallCommit, outcome: RunOutcome): unknown[] {
      const write: RunWrite = {
        workspaceId,
        runId: run.id,
        salesforceObject: run.object,
        objectType: type,
        at: isoNow(),
      };
      return [
        db
          .insert(runs)
          .values({
            id: run.id,
            workspaceId,
            direction: "outbound",
            objectType: type,
            salesforceObject: run.object,
            kind: isRetry ? "retry" : "push",
            status: "in_progress",
            startedAt: run.startedAt,
            heartbeatAt: isoNow(),
            state: JSON.stringify({ batch: batchKey }),
          })
          .onConflictDoNothing(),
        ...(call.outboxIds.length ? [markProcessed(db, call.outboxIds, run.id)] : []),
        ...(call.links?.length ? [linkCreated(db, type, workspaceId, call.links, run.object)] : []),
        ...(call.also ?? []),
        ...historyOf(db, write, call.records),
        ...runRecordWrites(db, write, call.records),
        recountRun(db, { id: run.id, workspaceId }),
        closeRun(db, run, outcome),
      ];
    },
    /**
     * Closes what this key still has open (a retry's run, or one a crashed delivery left), counted
     * from its records; a failure leaves what a run had committed Completed (runs/fail.ts). Returns
     * how many it closed.
     */
    async closeLeft(outcome: RunOutcome): Promise<number> {
      const open = (await runsOfKey(db, workspaceId, batchKey)).filter((r) => r.status === "in_progress");
      const failure = outcome.status === "failed" && {
        code: outcome.failureCode ?? "unknown_error",
        detail: outcome.failureDetail ?? "",
      };
      for (const run of open)
        await commitBatch(db, failure ? failRun(db, run, failure) : [recountRun(db, run), closeRun(db, run, outcome)]);
      return open.length;
    },
    /** Lets go of this key's claim on rows it did not push, so they go out as soon as they can. */
    release() {
      return db
        .update(outbox)
        .set({ runId: null })
        .where(
          and(eq(outbox.workspaceId, workspaceId), eq(outbox.runId, batchKey), sql`${outbox.processedAt} IS NULL`),
        );
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;

/**
 * A pushed record's ref goes into the history of the contact or company it pushed (after its new
 * Salesforce id is linked, in the same batch), so history finds it there; the rest keep a row.
 */
function historyOf(db: Db, write: RunWrite, records: RunRecordInput[]) {
  const { places } = layoutPages(records, write.salesforceObject);
  const refs = new Map<string, string[]>();
  records.forEach((r, i) => {
    if (r.status !== "success" || r.action === "deleted" || !r.conversionId) return;
    const ref = refOf(write.at, write.runId, places[i]!, r.seq);
    refs.set(r.conversionId, [...(refs.get(r.conversionId) ?? []), ref]);
  });
  if (!refs.size) return [];
  return [appendRefs(db, write.objectType === "contact" ? contacts : companies, write.workspaceId, [...refs])];
}
