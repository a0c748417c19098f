// The org's API usage over Salesforce's rolling 24 hours: calls are kept in one-minute buckets and
// a bucket stops counting 24 hours after its minute, so usage near the limit recovers as time
// passes. Tests move time for the window with POST /__fake/usage {elapseHours}.

const WINDOW_MS = 24 * 60 * 60 * 1000;
const BUCKET_MS = 60_000;

export interface Usage {
  /** Calls in the last 24 hours. */
  readonly used: number;
  /** Counts one admitted call now. */
  add(): void;
  /** Replaces the window with `calls` made `hoursAgo` hours ago (0: now). */
  set(calls: number, hoursAgo?: number): void;
  /** Ages every recorded call, as if that many hours had passed. */
  elapse(hours: number): void;
}

export function createUsage(now: () => number = Date.now): Usage {
  // Oldest first; [minute start, calls].
  let buckets: [number, number][] = [];
  const prune = () => {
    const from = now() - WINDOW_MS;
    let drop = 0;
    while (drop < buckets.length && buckets[drop][0] + BUCKET_MS <= from) drop++;
    if (drop) buckets = buckets.slice(drop);
  };
  return {
    get used() {
      prune();
      let n = 0;
      for (const [, calls] of buckets) n += calls;
      return n;
    },
    add() {
      const minute = Math.floor(now() / BUCKET_MS) * BUCKET_MS;
      const last = buckets[buckets.length - 1];
      if (last && last[0] === minute) last[1]++;
      else buckets.push([minute, 1]);
    },
    set(calls, hoursAgo = 0) {
      const at = Math.floor((now() - hoursAgo * 3_600_000) / BUCKET_MS) * BUCKET_MS;
      buckets = calls > 0 ? [[at, calls]] : [];
    },
    elapse(hours) {
      const ms = Math.max(0, hours) * 3_600_000;
      buckets = buckets.map(([at, calls]) => [at - ms, calls]);
    },
  };
}
