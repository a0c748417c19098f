// The call log tests read through GET /__fake/calls: one entry per request to the org.
export interface CallEntry {
  method: string;
  /** The host:port the request was sent to (the fake answers on several, as Salesforce's login hosts). */
  host?: string;
  path: string;
  kind: string;
  status: number;
  at: string;
  object?: string;
  query?: string;
  batchSize?: number;
  records?: number;
  op?: string;
  /** "composite": a subrequest of a composite call (not an API call of its own). */
  via?: string;
  /** The call was carried out and its answer then lost (the loseAnswers fault): how. */
  lost?: "drop" | number;
}

export interface CallLog {
  add(entry: CallEntry): void;
  list(): CallEntry[];
  clear(): void;
}

export function createCallLog(max = 20_000): CallLog {
  let entries: CallEntry[] = [];
  return {
    add(entry) {
      entries.push(entry);
      if (entries.length > max) entries = entries.slice(-max);
    },
    list: () => entries,
    clear() {
      entries = [];
    },
  };
}
