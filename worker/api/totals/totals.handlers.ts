import type { RouteHandler } from "@hono/zod-openapi";
import { shardDb } from "../../db";
import type { AppEnv } from "../../env";
import { quarterTotalsQuery } from "./totals.queries";
import type { getSyncTotals } from "./totals.routes";
import { localDays, localHours, type Span } from "./zone";

const COUNTS = ["created", "updated", "deleted", "skipped", "failed"] as const;
type Quarter = Awaited<ReturnType<ReturnType<typeof quarterTotalsQuery>["all"]>>[number];

function emptyBucket(span: Span) {
  return {
    from: new Date(span.from).toISOString(),
    to: new Date(span.to).toISOString(),
    runs: 0,
    failedRuns: 0,
    counts: { created: 0, updated: 0, deleted: 0, skipped: 0, failed: 0 },
  };
}

type Bucket = ReturnType<typeof emptyBucket>;

function add(bucket: Bucket, q: Quarter) {
  bucket.runs += Number(q.runs);
  bucket.failedRuns += Number(q.failedRuns);
  for (const k of COUNTS) bucket.counts[k] += Number(q[k]);
}

/** Adds each quarter to the span holding it (spans are sorted and do not overlap). */
function fold<T extends Bucket>(buckets: T[], spans: Span[], quarters: { at: number; q: Quarter }[]) {
  for (const { at, q } of quarters) {
    const i = spans.findIndex((s) => at >= s.from && at < s.to);
    if (i >= 0) add(buckets[i]!, q);
  }
  return buckets;
}

export const getSyncTotalsHandler: RouteHandler<typeof getSyncTotals, AppEnv> = async (c) => {
  const { timeZone, days: n } = c.req.valid("query");
  const now = Date.now();
  const days = localDays(timeZone, now, n);
  const hours = localHours(timeZone, now, 24);
  const since = Math.min(days[0]!.from, hours[0]!.from);
  const rows = await quarterTotalsQuery(
    shardDb(c.var.shardEnv),
    c.get("workspaceId"),
    new Date(since).toISOString(),
  ).all();
  const quarters = rows.map((q) => ({ at: Date.parse(`${q.quarter}:00.000Z`), q }));
  return c.json(
    {
      timeZone,
      days: fold(
        days.map((d) => ({ date: d.date, ...emptyBucket(d) })),
        days,
        quarters,
      ),
      hours: fold(hours.map(emptyBucket), hours, quarters),
    },
    200,
  );
};
