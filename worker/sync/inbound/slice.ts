import { SalesforceError } from "../../salesforce";
import type { WindowStart } from "./window";

/**
 * Reads are bounded time slices of SystemModstamp: (after, after + span]. A slice Salesforce cannot
 * answer in time (QUERY_TIMEOUT, an unselective scan of a large object) is halved and read again;
 * a slice read to its end doubles the next one, so sparse years cost a few calls, not one each.
 * `span` null is the unbounded slice: everything after `after`, what most objects can answer.
 */
export type Span = number | null;

/** The narrowest slice worth asking for: one second, Salesforce's stamp precision. */
export const SLICE_FLOOR_SECONDS = 1;

// Where halving starts when a read has no lower bound yet: before any Salesforce org existed.
const EARLIEST_MS = Date.parse("1999-01-01T00:00:00.000Z");

// "000000000000000" sorts before every real id: {stamp, ZERO_ID} opens a window at that second.
const ZERO_ID = "000000000000000";

function fromMs(after: WindowStart): number {
  return after ? Date.parse(after.stamp) : EARLIEST_MS;
}

/** The slice's inclusive upper SystemModstamp, or null when it reaches now (no upper bound). */
export function sliceEnd(after: WindowStart, span: Span, now = Date.now()): string | null {
  if (span === null) return null;
  const end = fromMs(after) + span * 1000;
  return end >= now ? null : new Date(end).toISOString();
}

export function isQueryTimeout(err: unknown): boolean {
  return err instanceof SalesforceError && err.sfErrorCode === "QUERY_TIMEOUT";
}

/** Half of the slice that timed out; past the floor the read cannot go on, and says why. */
export function halve(object: string, after: WindowStart, until: string | null, now = Date.now()): number {
  const width = ((until ? Date.parse(until) : now) - fromMs(after)) / 1000;
  const half = Math.floor(width / 2);
  if (half < SLICE_FLOOR_SECONDS) {
    throw new SalesforceError({
      failureCode: "unknown_error",
      sfErrorCode: "QUERY_TIMEOUT",
      message: `Salesforce timed out reading ${object} even ${SLICE_FLOOR_SECONDS} second of changes at a time (from ${after?.stamp ?? "the start"}). Ask Salesforce support about the object's SystemModstamp index, or narrow the data the integration user can see; the next run tries again`,
    });
  }
  return half;
}

/** The next slice after one read to its end: twice as wide. */
export function grow(span: number): number {
  return span * 2;
}

/** Where reading continues once a bounded slice is read to its end: the second after it. */
export function pastSlice(until: string): WindowStart {
  return { stamp: new Date(Date.parse(until) + 1000).toISOString(), id: ZERO_ID };
}
