import { type ShardEnv, shardDb } from "../db";
import { commitBatch } from "../db/commit";
import { isoNow } from "../lib/time";
import { loadSettings } from "../settings";
import { abandonChain } from "./inbound/chain";
import { runIdFor } from "./inbound/message";
import type { QueueMessage } from "./messages";
import { objectSpec } from "./objects";
import { failRun, openRun } from "./runs";

export const DEAD_LETTER_DETAIL =
  "The batch kept failing after every retry and was set aside. The next scheduled run tries again.";

/**
 * A message that used up its retries fails its run with a message: never silently dropped. Pages it
 * had committed stay a Completed run beside the Failed one (runs/fail.ts).
 */
export async function failDeadLetter(env: ShardEnv, body: QueueMessage): Promise<void> {
  // An outbound change that used up its retries is still an unprocessed outbox row: the cron sweep
  // sends it again, and the reaper closes a run its crashed push left open. Nothing is dropped.
  if (body.type !== "inbound_batch") return;
  const db = shardDb(env);
  const settings = await loadSettings(db, body.workspaceId);
  const spec = objectSpec(body.salesforceObject, settings.eventObject);
  if (!spec) return;
  const run = await openRun(db, {
    id: await runIdFor(body),
    workspaceId: body.workspaceId,
    direction: "inbound",
    objectType: spec.objectType,
    salesforceObject: body.salesforceObject,
    kind: body.kind,
    startedAt: isoNow(),
    state: { after: body.after, fetched: 0 },
  });
  await commitBatch(db, failRun(db, run, { code: "unknown_error", detail: DEAD_LETTER_DETAIL }));
  await abandonChain(db, body);
}
