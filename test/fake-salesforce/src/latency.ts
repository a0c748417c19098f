// The latency model: how long Salesforce takes to answer, by what is asked. Off unless a test or the
// benchmark switches it on (POST /__fake/faults {latencyModel: true | {...}}). A REST query page costs
// a time that grows with its records and fields, a Bulk API 2.0 query job takes a while to become
// JobComplete and its results stream at a set rate, and the org refuses new requests while too many
// long-running ones are in flight (Salesforce's concurrent API request limit). README cites each.

export interface LatencyModel {
  /** Any data API call: the round trip before the answer starts. */
  callMs: number;
  /** A query or queryMore page, on top of callMs: per record × selected field (µs). */
  queryPerRecordFieldUs: number;
  /** A Bulk API 2.0 query job: from creation to JobComplete, at least this long… */
  bulkJobMs: number;
  /** …plus this much per record the query matches (µs). */
  bulkJobPerRecordUs: number;
  /** Bulk results stream at this many bytes per second (each download on its own). */
  bulkBytesPerSecond: number;
  /** Concurrent API request limit: at most this many requests in flight for `longRunningMs` or longer. */
  longRunningLimit: number;
  longRunningMs: number;
}

/**
 * The defaults: a 2,000-Lead page of ~16 fields takes about a second (50 ms + 2,000 × 16 × 29 µs),
 * a Bulk job about 20 s plus 10 µs a record, results 4 MB/s, and Salesforce's 25 long-running requests.
 */
export const DEFAULT_LATENCY: LatencyModel = {
  callMs: 50,
  queryPerRecordFieldUs: 29,
  bulkJobMs: 20_000,
  bulkJobPerRecordUs: 10,
  bulkBytesPerSecond: 4_000_000,
  longRunningLimit: 25,
  longRunningMs: 20_000,
};

/** `true` → the defaults; an object → the defaults with its numbers; `null`/`false` → off. */
export function parseLatencyModel(body: unknown, current: LatencyModel | null): LatencyModel | null {
  if (body === null || body === false) return null;
  if (body === true) return { ...DEFAULT_LATENCY };
  if (!body || typeof body !== "object") return current;
  const out: LatencyModel = { ...(current ?? DEFAULT_LATENCY) };
  for (const key of Object.keys(DEFAULT_LATENCY) as (keyof LatencyModel)[]) {
    const v = (body as Record<string, unknown>)[key];
    if (typeof v === "number" && Number.isFinite(v) && v >= 0) out[key] = v;
  }
  return out;
}

/** What one query page costs to produce and send. */
export function queryPageMs(m: LatencyModel, records: number, fields: number): number {
  return (records * Math.max(1, fields) * m.queryPerRecordFieldUs) / 1000;
}

/** When a Bulk query job created now over `records` matching rows becomes JobComplete. */
export function bulkJobMs(m: LatencyModel, records: number): number {
  return m.bulkJobMs + (records * m.bulkJobPerRecordUs) / 1000;
}

export const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

/** Requests in flight, to enforce the concurrent long-running request limit. */
export interface InFlight {
  /** Starts one request; null when the org refuses it (too many long-running requests). */
  enter(m: LatencyModel | null): (() => void) | null;
  /** Long-running requests in flight now. */
  longRunning(m: LatencyModel): number;
}

export function createInFlight(now: () => number = Date.now): InFlight {
  const started = new Map<number, number>();
  let next = 0;
  const longRunning = (m: LatencyModel) => {
    const t = now();
    let n = 0;
    for (const at of started.values()) if (t - at >= m.longRunningMs) n++;
    return n;
  };
  return {
    enter(m) {
      if (m && longRunning(m) >= m.longRunningLimit) return null;
      const id = next++;
      started.set(id, now());
      return () => started.delete(id);
    },
    longRunning,
  };
}
