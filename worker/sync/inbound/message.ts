import { sha256 } from "../../lib/crypto";
import type { BulkCursor } from "./bulk";
import type { SlicedRead } from "./parallel-plan";
import type { WindowStart } from "./window";

/**
 * One inbound queue message = one batch = one run. It carries a window, never records, and the
 * rest of the cycle so that objects sync in dependency order, one after another.
 */
export interface InboundBatchMessage {
  type: "inbound_batch";
  workspaceId: string;
  salesforceObject: string;
  kind: "backfill" | "incremental";
  /** The planning that started this chain; also the lease owner. */
  cycleId: string;
  batchNo: number;
  after: WindowStart;
  /** The watermark a look-back window re-reads up to: records at or before it were seen by an earlier run. */
  seenUpTo?: WindowStart;
  limit: number;
  /** The width in seconds of the SystemModstamp slice to read first (slice.ts); null or absent: unbounded. */
  span?: number | null;
  /** Why this chain runs beyond its kind: "org_changed" on the backfill after another org was connected. */
  note?: string;
  /** The batch reads through a Bulk API 2.0 query job (bulk.ts): which, and how far. */
  bulk?: BulkCursor;
  /** The backfill reads as SystemModstamp slices at once (parallel.ts): where each slice is. */
  sliced?: SlicedRead;
  /** Bulk is not available (or its job failed) for this chain: it reads by REST to its end. */
  rest?: boolean;
  /**
   * A Bulk job of this chain was gone (deleted, or past its 7 days) after batches had written some of
   * its records, in no order: what is read again may have been reported by those runs already (bulk.ts).
   */
  reread?: boolean;
  /** Objects still to visit in this cycle, in order, after this one. */
  remaining: string[];
}

/** Deterministic: a redelivered message finds the run its first delivery opened. */
export async function runIdFor(
  m: Pick<InboundBatchMessage, "workspaceId" | "salesforceObject" | "cycleId" | "batchNo">,
): Promise<string> {
  return `run_${(await sha256(`${m.workspaceId}|${m.salesforceObject}|${m.cycleId}|${m.batchNo}`)).slice(0, 22)}`;
}
