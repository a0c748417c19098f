import type { RecordTimes, SalesforceClient, SaveResult, WriteOp } from "../../salesforce";

/** Attempts per record that Salesforce could not lock, and the pauses between them. */
export const LOCK_ATTEMPTS = 3;
const LOCK_BACKOFF_MS = [250, 1000];

const LOCKED = "UNABLE_TO_LOCK_ROW";

const isLocked = (r: SaveResult) => !r.success && r.errors.some((e) => e.statusCode === LOCKED);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes up to 200 records in one call (allOrNone false) that also reads back Salesforce's created
 * and updated times, then writes again only the records Salesforce could not lock, with backoff,
 * before they are reported locked. Lock contention is brief (another transaction on the same row),
 * so a second or two usually clears it.
 */
export async function writeWithLockRetry(
  sf: SalesforceClient,
  object: string,
  op: WriteOp,
  records: Record<string, unknown>[],
): Promise<{ results: SaveResult[]; times: Map<string, RecordTimes> }> {
  const first = await sf.writeWithTimes(object, op, records);
  const { results, times } = first;
  for (let attempt = 1; attempt < LOCK_ATTEMPTS; attempt++) {
    const locked = results.flatMap((r, i) => (isLocked(r) ? [i] : []));
    if (!locked.length) break;
    await sleep(LOCK_BACKOFF_MS[attempt - 1] ?? LOCK_BACKOFF_MS[LOCK_BACKOFF_MS.length - 1]!);
    const again = await sf.writeWithTimes(
      object,
      op,
      locked.map((i) => records[i]!),
    );
    locked.forEach((index, k) => {
      results[index] = again.results[k]!;
    });
    for (const [id, t] of again.times) times.set(id, t);
  }
  return { results, times };
}
