import { and, eq } from "drizzle-orm";
import { type Db, type ShardEnv, shardDb } from "../../db";
import { commitBatch } from "../../db/commit";
import { runs, syncState } from "../../db/schema";
import { isoNow } from "../../lib/time";
import { budgetStatus, openSalesforce, type SalesforceClient } from "../../salesforce";
import { loadSettings } from "../../settings";
import { holdsLease } from "../leases";
import { objectSpec } from "../objects";
import {
  closeRun,
  failRun,
  MAX_ATTEMPTS,
  openRun,
  type RunRow,
  recountRun,
  retryDelaySeconds,
  saveRunProgress,
  toRunFailure,
} from "../runs";
import { type BulkProgress, bulkThreshold, handOver, reportedUpTo, runBulkBatch, startBulkRead } from "./bulk";
import { readByIds } from "./by-ids";
import { abandonChain, advanceWatermark, continueChain, skipToNextObject } from "./chain";
import { REPORTED_BEFORE, waitingOnParent } from "./dependents";
import { readableFields } from "./fields";
import { type InboundBatchMessage, runIdFor } from "./message";
import { lastOf, later, pageBase, pageWrites, preparePage } from "./page";
import { handOverSliced, runSlicedBatch } from "./parallel";
import { planSlices, type SlicedRead, sliceConcurrency } from "./parallel-plan";
import { readAhead } from "./read-ahead";
import { grow, halve, isQueryTimeout, pastSlice, type Span, sliceEnd } from "./slice";
import { PAGE_SIZE, type WindowStart, windowQuery } from "./window";

/** Where a batch is: its resume point and how many records it has read. Saved with every page. */
interface BatchProgress {
  after: WindowStart;
  fetched: number;
  /** How many records the batch reads in all (Salesforce's totalSize, up to the batch size): the run's progress bar. */
  total?: number;
  /** The width of the slice being read (slice.ts); absent in runs saved before slices. */
  span?: Span;
  /** Records waiting on their parent were read again (dependents.ts). */
  waitingRead?: boolean;
  /** Where a Bulk batch is in its job's results (bulk.ts). */
  bulk?: BulkProgress;
  /** Where each slice of a sliced batch is (parallel.ts). */
  sliced?: SlicedRead;
  /** The sliced read ended (a slice timed out): a redelivery reads one stream. */
  unsliced?: boolean;
  /** The batch was cut short after committing pages: the Failed run that says so (runs/fail.ts). */
  failedPart?: string;
}

export type BatchResult = { retryDelaySeconds: number } | { done: true };

/**
 * Processes one inbound batch: pages through its window, commits each page (entities, run records,
 * run progress, watermark) in one D1 batch, then closes the run and moves the chain on. Safe to
 * run again for the same message: it resumes from the run's last committed page.
 */
export async function runInboundBatch(
  env: ShardEnv,
  message: InboundBatchMessage,
  attempts: number,
): Promise<BatchResult> {
  let m = message;
  const db = shardDb(env);
  if (!(await holdsLease(db, m.workspaceId, m.salesforceObject, m.cycleId))) return { done: true };
  const settings = await loadSettings(db, m.workspaceId);
  const spec = objectSpec(m.salesforceObject, settings.eventObject);
  if (!spec || !settings.objects[m.salesforceObject]?.enabled) {
    await continueChain(env, db, m, false, m.after);
    return { done: true };
  }

  const runId = await runIdFor(m);
  let run: RunRow | null = (await db.select().from(runs).where(eq(runs.id, runId)).get()) ?? null;
  if (run && run.status !== "in_progress") {
    // A redelivery of a finished batch: only make sure the chain moved on.
    const done = JSON.parse(run.state) as BatchProgress;
    // Cut short: the chain was handed on as for a failure, and the next cycle reads the rest.
    if (done.failedPart) return { done: true };
    if (run.status === "completed" && m.bulk && done.bulk)
      await handOver(env, db, { ...m, bulk: m.bulk }, done.fetched, done.bulk, done.after);
    else if (run.status === "completed" && done.sliced && !done.unsliced)
      await handOverSliced(env, db, { ...m, sliced: m.sliced ?? done.sliced }, done);
    else if (run.status === "completed")
      await continueChain(env, db, { ...m, span: done.span ?? m.span ?? null }, done.fetched >= m.limit, done.after);
    return { done: true };
  }
  const budget = await budgetStatus(env, m.workspaceId, settings.apiDailyBudget);
  if (budget.paused && !run) {
    await pauseChain(db, m, budget.reason);
    return { done: true };
  }

  const startedAt = run?.startedAt ?? isoNow();
  let progress: BatchProgress = run ? (JSON.parse(run.state) as BatchProgress) : { after: m.after, fetched: 0 };
  const open = () =>
    openRun(db, {
      id: runId,
      workspaceId: m.workspaceId,
      direction: "inbound",
      objectType: spec.objectType,
      salesforceObject: m.salesforceObject,
      kind: m.kind,
      note: m.note ?? null,
      startedAt,
      state: progress,
    });
  let sf: SalesforceClient | null = null;
  try {
    sf = await openSalesforce(env, m.workspaceId);
    const fields = await readableFields(db, sf, m.workspaceId, m.salesforceObject, settings, spec);
    const base = pageBase(m.workspaceId, m.salesforceObject, spec, settings, runId);
    /** Reads the batch's slices at once; false when a slice timed out and one stream reads on. */
    const readSliced = async (sliced: SlicedRead) => {
      const ctx = { env, db, m: { ...m, sliced }, sf: sf!, fields, base, runId, run, open, progress };
      const outcome = await runSlicedBatch(ctx);
      run = ctx.run;
      progress = ctx.progress;
      if (outcome === "done") return true;
      m = { ...m, sliced: undefined, reread: true };
      progress = { ...progress, after: outcome.timeout, sliced: undefined, unsliced: true };
      if (run) await commitBatch(db, [saveRunProgress(db, run, progress)]);
      return false;
    };
    if (progress.unsliced) m = { ...m, sliced: undefined, reread: true };
    if (m.sliced && (await readSliced(m.sliced))) return { done: true };
    if (m.bulk) {
      const ctx = { env, db, m: { ...m, bulk: m.bulk }, sf, base, runId, run, open, progress };
      const outcome = await runBulkBatch(ctx);
      run = ctx.run;
      progress = ctx.progress;
      if (outcome === "done") return { done: true };
      // The job failed: this batch, and the rest of the chain, read by REST. Gone: see bulk.ts's lost().
      m = outcome === "fallback" ? { ...m, bulk: undefined, rest: true } : { ...m, bulk: undefined, reread: true };
      // A redelivery after this point must not go back to the job.
      if (run) await commitBatch(db, [saveRunProgress(db, run, progress)]);
    }
    // Where the pages handed to this loop end: one page ahead of `progress` while that page commits,
    // so a query restarted during the read-ahead resumes after the page in hand, not before it.
    let received: BatchProgress = progress;
    // One record more than the batch takes: the answer's totalSize then says whether anything is
    // left after this batch, so a backfill that ends on a batch boundary queues no empty batch.
    // (A redelivered batch that had already read its limit asks nothing and hands over as before.)
    let asked = 0;
    let more = progress.fetched >= m.limit;
    let span: Span = progress.span !== undefined ? progress.span : (m.span ?? null);
    let until: string | null = null;
    // The batch's first page also tells whether the window is large enough for a Bulk job (bulk.ts).
    let threshold = m.rest ? null : bulkThreshold(env);
    // A backfill larger than one batch is read as slices at once (parallel.ts), if the setting allows.
    let slicing = m.kind === "backfill" && !m.reread && sliceConcurrency(env, settings) > 1;
    const probeAt = () => Math.min(threshold ?? Number.POSITIVE_INFINITY, slicing ? m.limit : Number.POSITIVE_INFINITY);
    let probing = false;
    const query = () => {
      asked = m.limit - received.fetched;
      const limit = probing ? Math.max(asked, probeAt()) + 1 : asked + 1;
      return windowQuery(m.salesforceObject, fields, received.after, limit, until);
    };
    // Records skipped because their parent was not in Conversion yet are read again, once a cycle.
    if (m.batchNo === 1 && m.kind === "incremental" && !progress.waitingRead) {
      const waiting = await waitingOnParent(db, m.workspaceId, m.salesforceObject, spec.kind);
      const records = waiting.length ? await readByIds(sf, m.salesforceObject, fields, waiting) : [];
      if (records.length) {
        const pageFromSeq = progress.fetched;
        // Every one was reported before: one still waiting for the same reason is not reported again.
        const prepared = await preparePage(db, base, records, pageFromSeq, REPORTED_BEFORE);
        if (prepared.records.length) run ??= await open();
        progress = { ...progress, fetched: progress.fetched + records.length, waitingRead: true };
        received = { ...received, fetched: progress.fetched };
        await commitBatch(db, [
          ...pageWrites(db, prepared),
          ...(run ? [saveRunProgress(db, run, progress, pageFromSeq)] : []),
        ]);
      }
    }
    // Slice after slice until the batch is full or the newest slice (no upper bound) is read.
    while (progress.fetched < m.limit) {
      until = sliceEnd(received.after, span);
      let sliceHasMore = false;
      probing = probeAt() < Number.POSITIVE_INFINITY && progress.fetched === 0 && !run;
      try {
        // queryAll for backfills too: a record deleted while a long backfill pages is seen as deleted, not missed.
        const pages = sf.queryPages(query(), { all: true, batchSize: PAGE_SIZE, restart: query });
        // No read-ahead past the page that fills the batch: that page would be a call for nothing.
        let large = 0;
        let firstStamp: string | null = null;
        for await (const page of readAhead(
          pages,
          (p) => !(probing && p.totalSize > probeAt()) && received.fetched + p.records.length < m.limit,
        )) {
          if (probing && page.totalSize > probeAt()) {
            large = page.totalSize;
            firstStamp = lastOf(page.records.slice(0, 1))?.stamp ?? null;
            break;
          }
          probing = false;
          sliceHasMore = page.totalSize > asked;
          // Only an unbounded read counts the whole window; a slice's count is a part of it.
          const total = until === null ? m.limit - asked + Math.min(page.totalSize, asked) : progress.total;
          // The record asked beyond the batch only tells that more follow: it belongs to the next batch.
          const records = page.records.slice(0, m.limit - received.fetched);
          if (!records.length) break;
          received = {
            ...received,
            after: later(received.after, lastOf(records)),
            fetched: received.fetched + records.length,
          };
          const readAt = isoNow();
          const pageFromSeq = progress.fetched;
          const prepared = await preparePage(db, base, records, pageFromSeq, reportedUpTo(m));
          // A run appears once something happened: a page of records that are all unchanged opens none.
          if (prepared.records.length) run ??= await open();
          progress = {
            ...progress,
            after: later(progress.after, prepared.last),
            fetched: progress.fetched + records.length,
            total,
            span,
          };
          await commitBatch(db, [
            ...pageWrites(db, prepared),
            ...(run ? [saveRunProgress(db, run, progress, pageFromSeq)] : []),
            // A look-back re-reads behind the watermark: never move it back.
            advanceWatermark(db, m, later(progress.after, m.seenUpTo ?? null), readAt),
          ]);
          if (progress.fetched >= m.limit) break;
        }
        if (large > m.limit && slicing && until === null && firstStamp) {
          slicing = false;
          const n = sliceConcurrency(env, settings);
          const sliced = await planSlices(sf, m.salesforceObject, received.after, firstStamp, n);
          if (sliced && (await readSliced(sliced))) return { done: true };
          // Not split (or a slice timed out): one stream reads on, from where the slices left it.
          received = progress;
          continue;
        }
        slicing = false;
        if (large && (threshold === null || large <= threshold)) continue;
        if (large) {
          if (await startBulkRead(env, sf, { ...m, span }, fields, received.after, until)) return { done: true };
          // No Bulk API for this object or org: the slice, and the rest of the chain, by REST.
          m = { ...m, rest: true };
          threshold = null;
          continue;
        }
      } catch (err) {
        if (!isQueryTimeout(err)) throw err;
        // Everything handed out was committed before the error surfaced: read the rest in halves.
        span = halve(m.salesforceObject, received.after, until);
        received = progress = { ...progress, span };
        continue;
      }
      if (progress.fetched >= m.limit) {
        more = sliceHasMore || until !== null;
        break;
      }
      if (until === null) break;
      // The slice is read to its end: the next one starts after it, twice as wide.
      span = grow(span!);
      received = progress = { ...progress, after: later(progress.after, pastSlice(until)), span };
    }
    if (run) await commitBatch(db, [recountRun(db, run), closeRun(db, run, { status: "completed" })]);
    await continueChain(env, db, { ...m, span: progress.span ?? span ?? null }, more, progress.after);
    return { done: true };
  } catch (err) {
    const failure = toRunFailure(err);
    if (failure.transient && attempts < MAX_ATTEMPTS) return { retryDelaySeconds: retryDelaySeconds(env, attempts) };
    run ??= await open();
    // Pages already committed stay a Completed run; the failure is a Failed run with none of them.
    await commitBatch(db, failRun(db, run, failure));
    // Without credentials or API calls nothing else in the cycle can run; other failures are this object's alone.
    if (failure.code === "authentication_failure" || failure.code === "api_limit_exceeded") await abandonChain(db, m);
    else await skipToNextObject(env, db, m);
    return { done: true };
  } finally {
    await sf?.flushUsage().catch(() => undefined);
  }
}

/** The budget is spent: say so on the object (the Overview shows it) and give the cycle's leases back. */
async function pauseChain(db: Db, m: InboundBatchMessage, reason: string | null) {
  await db
    .update(syncState)
    .set({ pausedReason: reason ?? "Paused to stay within the API budget" })
    .where(and(eq(syncState.workspaceId, m.workspaceId), eq(syncState.salesforceObject, m.salesforceObject)));
  await abandonChain(db, m);
}
