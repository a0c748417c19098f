import type { SalesforceClient } from "../../salesforce";
import { parallelReadsOf, type Settings } from "../../settings";
import { isQueryTimeout, pastSlice } from "./slice";
import { type WindowStart, windowQuery } from "./window";

/** One slice of a parallel read: the records with SystemModstamp in (after, until], one query stream. */
export interface SliceCursor {
  /** Where the slice's next read starts (strictly after): moves with each committed page. */
  after: WindowStart;
  /** The slice's inclusive upper SystemModstamp. */
  until: string;
  /** The latest record the slice has read: the join moves the watermark to the latest of all. */
  max: WindowStart;
  /** Read to its end. */
  done: boolean;
}

/** A backfill read as slices at once (parallel.ts); carried from batch to batch until every slice is read. */
export interface SlicedRead {
  /** When the bounds were set: the watermark's read time once the slices join. */
  plannedAt: string;
  slices: SliceCursor[];
}

/**
 * How many slices a backfill reads at once: the workspace's parallelReads, else the deployment's
 * INBOUND_SLICE_CONCURRENCY (3 unset), at most 5 for Salesforce's open-cursor limit (worker/settings/parallel-reads.ts).
 * 1: one stream, as before.
 */
export function sliceConcurrency(env: object, settings: Pick<Settings, "parallelReads">): number {
  return parallelReadsOf(settings, env);
}

// COUNT() samples per slice: bounds fall between samples by interpolation, so a few per slice
// balance slices to within a sample's share even where stamps cluster (a mass update's second).
const SAMPLES_PER_SLICE = 4;

const second = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * Splits the window after `after` into `n` SystemModstamp slices of about equal record counts, from
 * COUNT() queries at evenly spaced stamps between the window's first record and a second ago. Records
 * changed after that have newer stamps and are read after the join. Null: no split worth making (a
 * window of a few seconds, or Salesforce timed out counting); the caller reads one stream.
 */
export async function planSlices(
  sf: SalesforceClient,
  object: string,
  after: WindowStart,
  firstStamp: string,
  n: number,
  now = Date.now(),
): Promise<SlicedRead | null> {
  const end = second(now) - 1000;
  const start = second(Date.parse(firstStamp)) - 1000;
  if (!(end - start >= n * 1000)) return null;
  const points = [
    ...new Set(
      Array.from({ length: n * SAMPLES_PER_SLICE }, (_, i) =>
        second(start + ((end - start) * (i + 1)) / (n * SAMPLES_PER_SLICE)),
      ),
    ),
  ];
  points[points.length - 1] = end;
  let counts: number[];
  try {
    counts = await Promise.all(points.map((at) => count(sf, object, after, at)));
  } catch (err) {
    if (isQueryTimeout(err)) return null;
    throw err;
  }
  // Records changed between two counts may move: keep the curve rising.
  for (let i = 1; i < counts.length; i++) counts[i] = Math.max(counts[i]!, counts[i - 1]!);
  const total = counts[counts.length - 1]!;
  const bounds: number[] = [];
  for (let j = 1; j < n; j++) {
    const target = (total * j) / n;
    const i = counts.findIndex((c) => c >= target);
    const [x0, c0] = i > 0 ? [points[i - 1]!, counts[i - 1]!] : [start, 0];
    const [x1, c1] = [points[i]!, counts[i]!];
    const at = second(x0 + ((x1 - x0) * (target - c0)) / Math.max(1, c1 - c0));
    if (at > (bounds[bounds.length - 1] ?? start) && at < end) bounds.push(at);
  }
  if (!bounds.length) return null;
  const edges = [...bounds, end].map((ms) => new Date(ms).toISOString());
  return {
    plannedAt: new Date(now).toISOString(),
    slices: edges.map((until, k) => ({
      after: k === 0 ? after : pastSlice(edges[k - 1]!),
      until,
      max: null,
      done: false,
    })),
  };
}

async function count(sf: SalesforceClient, object: string, after: WindowStart, at: number): Promise<number> {
  const soql = windowQuery(object, [], after, 0, new Date(at).toISOString(), { count: true });
  // queryAll, as the backfill reads: deleted records in the recycle bin are read too.
  for await (const page of sf.queryPages(soql, { all: true })) return page.totalSize;
  return 0;
}
