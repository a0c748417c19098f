import type { Db, ShardEnv } from "../../db";
import { commitBatch } from "../../db/commit";
import type { SalesforceClient } from "../../salesforce";
import { extendLease } from "../leases";
import { closeRun, type RunRow, recountRun, saveRunProgress } from "../runs";
import { reportedUpTo } from "./bulk";
import { advanceWatermark, continueChain } from "./chain";
import type { InboundBatchMessage } from "./message";
import { lastOf, later, type PageResult, pageWrites, preparePage } from "./page";
import type { SlicedRead } from "./parallel-plan";
import { readAhead } from "./read-ahead";
import type { SalesforceRecord } from "./record";
import { isQueryTimeout } from "./slice";
import { PAGE_SIZE, type WindowStart, windowQuery } from "./window";

interface SlicedBatchContext {
  env: ShardEnv;
  db: Db;
  m: InboundBatchMessage & { sliced: SlicedRead };
  sf: SalesforceClient;
  fields: string[];
  base: Parameters<typeof preparePage>[1];
  runId: string;
  run: RunRow | null;
  open: () => Promise<RunRow>;
  progress: { after: WindowStart; fetched: number; sliced?: SlicedRead };
}

/**
 * One batch of a sliced read: every slice not yet read to its end is read at the same time, each by
 * its own query stream with its share of the batch, while pages are classified and committed one at
 * a time (records of two slices never race for the same contact). The watermark does not move until
 * every slice is read; then it moves once, to the latest record of them all, and the chain reads what
 * changed meanwhile. A slice Salesforce cannot answer in time ends the sliced read: "timeout", with
 * where one stream can carry on without a gap.
 */
export async function runSlicedBatch(ctx: SlicedBatchContext): Promise<"done" | { timeout: WindowStart }> {
  const { db, m, sf } = ctx;
  const slices = (ctx.progress.sliced ?? m.sliced).slices.map((s) => ({ ...s }));
  const state = (): SlicedRead => ({ ...m.sliced, slices: slices.map((s) => ({ ...s })) });
  // A redelivered batch that had read its share already reads nothing more: the next batch goes on.
  const left = m.limit - ctx.progress.fetched;
  const active = left > 0 ? slices.flatMap((s, i) => (s.done ? [] : [i])) : [];
  // Shares of whole pages: a share of 16,666 would end each slice's part of the batch on a page of 666.
  const share = Math.floor(left / Math.max(1, active.length));
  const budget = Math.max(1, share >= PAGE_SIZE ? share - (share % PAGE_SIZE) : share);
  const runKey = { id: ctx.runId, workspaceId: m.workspaceId };
  const lease = () => extendLease(db, m.workspaceId, m.salesforceObject, m.cycleId);

  // Pages commit one at a time, in the order they arrive from any slice.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = (fn: () => Promise<void>) => {
    const p = turn.then(fn);
    turn = p.catch(() => undefined);
    return p;
  };
  const commit = (i: number, records: SalesforceRecord[]) =>
    inTurn(async () => {
      const pageFromSeq = ctx.progress.fetched;
      const prepared: PageResult = await preparePage(db, ctx.base, records, pageFromSeq, reportedUpTo(m));
      if (prepared.records.length) ctx.run ??= await ctx.open();
      const s = slices[i]!;
      // Within a slice pages come in (SystemModstamp, Id) order: the page's last record is where it resumes.
      slices[i] = { ...s, after: prepared.last ?? s.after, max: later(s.max, prepared.last) };
      ctx.progress = { ...ctx.progress, fetched: ctx.progress.fetched + records.length, sliced: state() };
      await commitBatch(db, [
        ...pageWrites(db, prepared),
        ...(ctx.run ? [saveRunProgress(db, runKey, ctx.progress, pageFromSeq)] : []),
        lease(),
      ]);
    });

  let stopped = false;
  const read = async (i: number) => {
    const slice = slices[i]!;
    let after = slice.after;
    let got = 0;
    let asked = 0;
    let ended = true;
    let more = false;
    const query = () => {
      asked = budget - got;
      // One record past the slice's share: the answer's totalSize tells whether the slice goes on.
      return windowQuery(m.salesforceObject, ctx.fields, after, asked + 1, slice.until);
    };
    const pages = sf.queryPages(query(), { all: true, batchSize: PAGE_SIZE, restart: query });
    for await (const page of readAhead(pages, (p) => !stopped && got + p.records.length < budget)) {
      more = page.totalSize > asked;
      const records = page.records.slice(0, budget - got);
      if (!records.length) break;
      got += records.length;
      after = later(after, lastOf(records));
      await commit(i, records);
      if (stopped || got >= budget) {
        ended = !stopped && !more;
        break;
      }
    }
    // Stopped by another slice's error: not known to be read to its end; the redelivery reads on from `after`.
    if (stopped) ended = false;
    if (ended)
      await inTurn(async () => {
        slices[i] = { ...slices[i]!, done: true };
        ctx.progress = { ...ctx.progress, sliced: state() };
        if (ctx.run) await commitBatch(db, [saveRunProgress(db, runKey, ctx.progress)]);
      });
  };
  const results = await Promise.allSettled(
    active.map((i) =>
      read(i).catch((err) => {
        stopped = true;
        throw err;
      }),
    ),
  );
  await turn;
  const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  if (errors.length) {
    if (!errors.every(isQueryTimeout)) throw errors.find((e) => !isQueryTimeout(e));
    // Everything before the first slice not read to its end is read: one stream goes on from there.
    return { timeout: slices.find((s) => !s.done)!.after };
  }

  const joined = slices.every((s) => s.done);
  const statements: unknown[] = [];
  if (joined) {
    const after = slices.reduce((a, s) => later(a, s.max), ctx.progress.after);
    ctx.progress = { ...ctx.progress, after };
    statements.push(advanceWatermark(db, m, after, m.sliced.plannedAt));
  }
  if (ctx.run)
    statements.push(
      saveRunProgress(db, runKey, ctx.progress),
      recountRun(db, runKey),
      closeRun(db, ctx.run, { status: "completed" }),
    );
  if (statements.length) await commitBatch(db, statements);
  await handOverSliced(ctx.env, db, m, ctx.progress);
  return "done";
}

/**
 * What follows a sliced batch (also for a redelivered one that had finished): the next batch of the
 * slices still being read, or, once every slice is read, the chain from the joined watermark.
 */
export async function handOverSliced(
  env: ShardEnv,
  db: Db,
  m: InboundBatchMessage & { sliced: SlicedRead },
  progress: { after: WindowStart; sliced?: SlicedRead },
) {
  const sliced = progress.sliced ?? m.sliced;
  if (sliced.slices.every((s) => s.done)) {
    const { sliced: _, ...rest } = m;
    await continueChain(env, db, rest, true, progress.after);
  } else await continueChain(env, db, { ...m, sliced }, true, m.after);
}
