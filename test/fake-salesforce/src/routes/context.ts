// What every data API route receives.
import type { CallEntry } from "../calls";
import type { Org } from "../state";

export interface ApiContext {
  org: Org;
  request: Request;
  url: URL;
  /** "62.0" */
  version: string;
  /** The path below /services/data/vNN.0, split: ["sobjects", "Lead", "describe"]. */
  segments: string[];
  /** The call-log entry of this request; routes fill in kind, object and counts. */
  log: CallEntry;
  /** Milliseconds the answer waits before it goes out (the latency model); routes add what they cost. */
  cost: number;
  /**
   * A route that streams its answer keeps the request in flight until the stream ends: it takes the
   * release here and calls it then (the concurrent long-running request limit counts it meanwhile).
   */
  holdRelease(): () => void;
}
