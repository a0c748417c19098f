import type { Db, ShardEnv } from "../../db";
import { commitBatch } from "../../db/commit";
import { isoNow } from "../../lib/time";
import { describeCached, isBulkUnavailable, type SalesforceClient, type SalesforceRecord } from "../../salesforce";
import { extendLease } from "../leases";
import { closeRun, type RunRow, recountRun, saveRunProgress } from "../runs";
import { advanceWatermark, continueChain } from "./chain";
import { REPORTED_BEFORE } from "./dependents";
import type { InboundBatchMessage } from "./message";
import { later, type PageResult, pageWrites, preparePage } from "./page";
import { queueBatch } from "./queues";
import { readAhead } from "./read-ahead";
import { pastSlice } from "./slice";
import { PAGE_SIZE, type WindowStart, windowQuery } from "./window";

/**
 * Where a chain's Bulk API 2.0 query job is, carried from message to message: the job reads one
 * SystemModstamp slice (after, until] — the same slices REST reads — in no order, so the watermark
 * moves only once the whole job is read, to the latest record it held.
 */
export interface BulkCursor {
  jobId: string;
  /** The slice's inclusive upper bound; null: up to when the job was made. */
  until: string | null;
  /** When the job was made: what the watermark was read at. */
  createdAt: string;
  /** Status requests so far: the next one waits longer. */
  polls: number;
  /** The job is JobComplete: its results are read by Sforce-Locator. */
  complete: boolean;
  /** The next results set's locator; null: the first. */
  locator: string | null;
  /** Records of the job earlier batches read. */
  consumed: number;
  /** Records the job holds (numberRecordsProcessed), once complete: the runs' progress bars. */
  records?: number | null;
  /** The latest (SystemModstamp, Id) read from the job so far. */
  max: WindowStart;
}

/** Where a Bulk batch is inside its results, saved with every page (a redelivery resumes there). */
export interface BulkProgress {
  /** The set being read, the maxRecords it was asked with, and how many of its records are committed. */
  locator: string | null;
  maxRecords: number;
  done: number;
  max: WindowStart;
  /** The set after the last one read; null when the job is read to its end. */
  next?: string | null;
  finished?: boolean;
}

/** Records per results set (maxRecords): five sets to a 50,000-record backfill batch. */
export const BULK_SET = 10_000;
/** Salesforce: Bulk API 2.0 is for "queries that return large amounts of data (10,000 records or more)". */
export const DEFAULT_BULK_THRESHOLD = 50_000;

/**
 * Above how many records in a window a read goes through a Bulk job (INBOUND_BULK_THRESHOLD; "off":
 * never). The first REST page of a batch tells: its query's LIMIT is one past the threshold, so
 * Salesforce's totalSize says whether the window is larger.
 */
export function bulkThreshold(env: object): number | null {
  const raw = (env as { INBOUND_BULK_THRESHOLD?: string }).INBOUND_BULK_THRESHOLD;
  if (raw === "off") return null;
  const n = Number(raw ?? DEFAULT_BULK_THRESHOLD);
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : DEFAULT_BULK_THRESHOLD;
}

/**
 * Records up to where a page's problems may have been reported by an earlier run: the look-back's
 * watermark, or every record once a job was lost part-way (its batches wrote records in no order).
 */
export function reportedUpTo(m: InboundBatchMessage): WindowStart {
  return m.reread ? REPORTED_BEFORE : (m.seenUpTo ?? null);
}

/**
 * Seconds before the next status request, from the job's age: every second at first, then a quarter
 * of its age (up to 30 s), so a job is seen complete at most ~25% of its run time (≥ 1 s) late — a
 * doubling schedule saw a 20 s job at 31 s — while a job of an hour costs about a poll every 30 s.
 */
export const pollDelaySeconds = (ageSeconds: number) => Math.min(30, Math.max(1, Math.ceil(ageSeconds / 4)));

const ageOf = (cursor: BulkCursor) => Math.max(0, (Date.now() - Date.parse(cursor.createdAt)) / 1000);

/**
 * Starts a queryAll job for the slice and hands over to a delayed message that asks for its state.
 * False when the Bulk API is not there for this object or org: the caller reads by REST.
 */
export async function startBulkRead(
  env: ShardEnv,
  sf: SalesforceClient,
  m: InboundBatchMessage,
  fields: string[],
  after: WindowStart,
  until: string | null,
): Promise<boolean> {
  const createdAt = isoNow();
  try {
    const job = await sf.createQueryJob(windowQuery(m.salesforceObject, fields, after, 0, until, { bulk: true }), {
      all: true,
    });
    const bulk: BulkCursor = {
      jobId: job.id,
      until,
      createdAt,
      polls: 0,
      complete: false,
      locator: null,
      consumed: 0,
      max: null,
    };
    await queueBatch(env, { ...m, after, bulk }, pollDelaySeconds(0));
    return true;
  } catch (err) {
    if (isBulkUnavailable(err)) return false;
    throw err;
  }
}

interface BulkBatchContext {
  env: ShardEnv;
  db: Db;
  m: InboundBatchMessage & { bulk: BulkCursor };
  sf: SalesforceClient;
  base: Parameters<typeof preparePage>[1];
  runId: string;
  run: RunRow | null;
  open: () => Promise<RunRow>;
  progress: { after: WindowStart; fetched: number; total?: number; bulk?: BulkProgress };
}

/**
 * One batch of a Bulk read. Not complete yet: asks, and waits again in a delayed message (never in
 * the invocation). Complete: reads results sets by locator, at most the batch's size, committing pages
 * of PAGE_SIZE as REST does (same runs, same classification); the last set moves the watermark.
 * "fallback": the job Failed or was aborted, so the batch reads by REST.
 */
export async function runBulkBatch(ctx: BulkBatchContext): Promise<"done" | "fallback" | "gone"> {
  const { env, db, m, sf } = ctx;
  let cursor = m.bulk;
  if (!cursor.complete) {
    const job = await sf.queryJob(cursor.jobId).catch(jobGone);
    if (!job) return lost(ctx);
    if (job.state === "Failed" || job.state === "Aborted") {
      console.warn(`Bulk job ${job.id} ${job.state} (${job.errorMessage ?? "no message"}): reading by REST`);
      return "fallback";
    }
    if (job.state !== "JobComplete") {
      await extendLease(db, m.workspaceId, m.salesforceObject, m.cycleId);
      await queueBatch(env, { ...m, bulk: { ...cursor, polls: cursor.polls + 1 } }, pollDelaySeconds(ageOf(cursor)));
      return "done";
    }
    cursor = { ...cursor, complete: true, records: job.numberRecordsProcessed };
  }
  if (ctx.progress.total === undefined && typeof cursor.records === "number")
    ctx.progress.total = Math.min(m.limit, Math.max(0, cursor.records - cursor.consumed));
  const described = await describeCached(db, m.workspaceId, m.salesforceObject, sf, { orgId: sf.orgId });
  const types = new Map(described.fields.map((f) => [f.name.toLowerCase(), f.type]));
  let at: BulkProgress = ctx.progress.bulk ?? { locator: cursor.locator, maxRecords: 0, done: 0, max: cursor.max };

  const runKey = { id: ctx.runId, workspaceId: m.workspaceId };
  const commit = async (records: SalesforceRecord[]) => {
    const pageFromSeq = ctx.progress.fetched;
    const prepared: PageResult = await preparePage(db, ctx.base, records, pageFromSeq, reportedUpTo(m));
    if (prepared.records.length) ctx.run ??= await ctx.open();
    at = { ...at, done: at.done + records.length, max: later(at.max, prepared.last) };
    ctx.progress = { ...ctx.progress, fetched: ctx.progress.fetched + records.length, bulk: at };
    await commitBatch(db, [
      ...pageWrites(db, prepared),
      ...(ctx.run ? [saveRunProgress(db, runKey, ctx.progress, pageFromSeq)] : []),
      extendLease(db, m.workspaceId, m.salesforceObject, m.cycleId),
    ]);
  };

  while (!at.finished && ctx.progress.fetched < m.limit) {
    // A set resumed after a redelivery is asked for as it was first asked: the same records.
    const maxRecords = at.maxRecords || Math.min(BULK_SET, m.limit - ctx.progress.fetched);
    at = { ...at, maxRecords };
    const set = await sf
      .queryResults(cursor.jobId, { object: m.salesforceObject, locator: at.locator, maxRecords, types })
      .catch(jobGone);
    if (!set) return lost(ctx);
    // The next page downloads and parses while this one is classified and committed.
    for await (const page of readAhead(pagesOf(set.records, at.done), () => true)) await commit(page);
    at = { locator: set.next, maxRecords: 0, done: 0, max: at.max, next: set.next, finished: set.next === null };
    ctx.progress = { ...ctx.progress, bulk: at };
  }
  await finishBulkBatch(ctx, cursor, at);
  return "done";
}

/** A set's records in pages of PAGE_SIZE, after the first `skip` (committed before a redelivery). */
async function* pagesOf(records: AsyncIterable<SalesforceRecord>, skip: number): AsyncGenerator<SalesforceRecord[]> {
  let page: SalesforceRecord[] = [];
  for await (const record of records) {
    if (skip > 0) {
      skip--;
      continue;
    }
    page.push(record);
    if (page.length === PAGE_SIZE) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}

/** A 404 for the job or its results: deleted, or past Salesforce's 7 days; its locators went with it. */
function jobGone(err: unknown): null {
  if (isBulkUnavailable(err)) return null;
  throw err;
}

/**
 * The job is gone: the slice is read again from its start (the watermark never passed it), by REST
 * in this batch, or by a new job when the batch has read nothing yet. Records earlier batches wrote
 * come back unchanged and leave no trace; their skips and failures are not reported twice (reread).
 */
function lost(ctx: BulkBatchContext): "gone" {
  console.warn(`Bulk job ${ctx.m.bulk.jobId} is gone (deleted or expired): reading its slice again`);
  ctx.progress = { ...ctx.progress, bulk: undefined };
  return "gone";
}

/** Closes the batch's run and hands over: the job's next sets, or, the job read, the watermark and the chain. */
async function finishBulkBatch(ctx: BulkBatchContext, cursor: BulkCursor, at: BulkProgress) {
  const { env, db, m } = ctx;
  const statements: unknown[] = [];
  let after = ctx.progress.after;
  if (at.finished) {
    after = later(after, at.max);
    if (cursor.until) after = later(after, pastSlice(cursor.until));
    ctx.progress = { ...ctx.progress, after };
    statements.push(advanceWatermark(db, m, later(after, m.seenUpTo ?? null), cursor.createdAt));
  }
  if (ctx.run) {
    statements.push(
      saveRunProgress(db, { id: ctx.runId, workspaceId: m.workspaceId }, ctx.progress),
      recountRun(db, { id: ctx.runId, workspaceId: m.workspaceId }),
      closeRun(db, ctx.run, { status: "completed" }),
    );
  }
  await commitBatch(db, statements);
  await handOver(env, db, { ...m, bulk: cursor }, ctx.progress.fetched, at, after);
}

/** What follows a Bulk batch (also for a redelivered one that had finished). */
export async function handOver(
  env: ShardEnv,
  db: Db,
  m: InboundBatchMessage & { bulk: BulkCursor },
  fetched: number,
  at: BulkProgress,
  after: WindowStart,
) {
  if (!at.finished) {
    const bulk: BulkCursor = {
      ...m.bulk,
      complete: true,
      locator: at.next ?? at.locator,
      consumed: m.bulk.consumed + fetched,
      max: at.max,
    };
    await queueBatch(env, { ...m, batchNo: m.batchNo + 1, bulk });
    return;
  }
  // The slice is read: what changed since the job was made (or the next slice) is read next, by REST
  // unless that is large again.
  const { bulk: _, ...rest } = m;
  await continueChain(env, db, rest, true, after);
}
