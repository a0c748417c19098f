import { and, eq, sql } from "drizzle-orm";
import { type ShardEnv, shardDb } from "../../db";
import { runs } from "../../db/schema";
import { newId } from "../../lib/crypto";
import { missing, Refusal } from "../../lib/refusal";
import { isoNow } from "../../lib/time";
import type { ObjectType } from "../objects";
import { startOutboundRetry } from "../outbound/retry";
import { openRun, RunNotOpened, type RunRow, UNSUCCESSFUL } from "../runs";
import { isRetried, latestRetry, type RetryRef } from "./latest";
import type { InboundRetryMessage } from "./message";

async function failedCount(env: ShardEnv, runId: string): Promise<number> {
  const row = await shardDb(env).get<{ n: number }>(
    sql`SELECT count(*) AS n FROM run_records WHERE run_id = ${runId} AND status = 'failed' AND ${UNSUCCESSFUL}`,
  );
  return row?.n ?? 0;
}

/**
 * "Retry failed records": opens a new run of kind retry for the run's failed records and queues
 * it. Inbound re-reads those records from Salesforce; outbound pushes their current state again.
 * A run is retried once (409 already_retried naming the retry run), unless that retry failed as a
 * whole. Two requests arriving together may both pass the check; the unique runs_retry_once lets one open its run.
 */
export async function startRetry(env: ShardEnv, workspaceId: string, runId: string): Promise<RunRow> {
  const db = shardDb(env);
  const original = await db
    .select()
    .from(runs)
    .where(and(eq(runs.id, runId), eq(runs.workspaceId, workspaceId)))
    .get();
  if (!original) throw missing("Run");
  if (original.status === "in_progress")
    throw new Refusal("conflict", "run_in_progress", "The run is still in progress; retry it once it has finished");
  const previous = await latestRetry(db, original);
  if (isRetried(previous)) throw alreadyRetried(previous);
  if ((await failedCount(env, runId)) === 0)
    throw new Refusal("conflict", "nothing_to_retry", "The run has no failed records to retry");

  try {
    return original.direction === "outbound"
      ? await startOutboundRetry(env, original)
      : await startInboundRetry(env, original);
  } catch (err) {
    if (!(err instanceof RunNotOpened)) throw err;
    // runs_retry_once refused the run: another request opened the retry between the check and here.
    const winner = await latestRetry(db, original);
    if (isRetried(winner)) throw alreadyRetried(winner);
    throw err;
  }
}

function alreadyRetried(previous: RetryRef): Refusal {
  return new Refusal(
    "conflict",
    "already_retried",
    `The run's failed records were already retried in run ${previous.id}; open that run to see the outcome`,
    {
      retryRunId: previous.id,
    },
  );
}

async function startInboundRetry(env: ShardEnv, original: RunRow): Promise<RunRow> {
  const workspaceId = original.workspaceId;
  const run = await openRun(shardDb(env), {
    id: newId("run"),
    workspaceId,
    direction: "inbound",
    objectType: original.objectType as ObjectType,
    salesforceObject: original.salesforceObject,
    kind: "retry",
    startedAt: isoNow(),
    retryOf: original.id,
    state: { done: 0 },
  });
  await env.INBOUND_QUEUE.send({
    type: "inbound_retry",
    workspaceId,
    runId: run.id,
    retryOf: original.id,
  } satisfies InboundRetryMessage);
  return run;
}
