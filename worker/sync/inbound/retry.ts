import { eq } from "drizzle-orm";
import { type ShardEnv, shardDb } from "../../db";
import { commitBatch } from "../../db/commit";
import { runRecords, runs } from "../../db/schema";
import { openSalesforce, type SalesforceClient } from "../../salesforce";
import { loadSettings } from "../../settings";
import { objectSpec } from "../objects";
import type { InboundRetryMessage } from "../retry/message";
import {
  closeRun,
  failedRecordIds,
  failRun,
  MAX_ATTEMPTS,
  type RunRecordInput,
  recountRun,
  retryDelaySeconds,
  saveRunProgress,
  toRunFailure,
} from "../runs";
import type { BatchResult } from "./batch";
import { IDS_PER_QUERY, readByIds } from "./by-ids";
import { readableFields } from "./fields";
import { pageBase, pageWrites, preparePage } from "./page";
import { readHead } from "./record";

/**
 * A retry run: reads the original run's failed records again by Salesforce id (queryAll, so a
 * delete is seen) and applies them like any batch. The watermark is left alone. Ids Salesforce no
 * longer returns are reported rather than dropped.
 */
export async function runInboundRetry(env: ShardEnv, m: InboundRetryMessage, attempts: number): Promise<BatchResult> {
  const db = shardDb(env);
  const run = await db.select().from(runs).where(eq(runs.id, m.runId)).get();
  if (run?.status !== "in_progress" || run.workspaceId !== m.workspaceId) return { done: true };
  const settings = await loadSettings(db, m.workspaceId);
  const spec = objectSpec(run.salesforceObject, settings.eventObject);
  if (!spec) return { done: true };
  const ids = await failedRecordIds(db, m.retryOf, runRecords.salesforceId);
  let done = (JSON.parse(run.state) as { done?: number }).done ?? 0;
  let sf: SalesforceClient | null = null;
  try {
    sf = await openSalesforce(env, m.workspaceId);
    const fields = await readableFields(db, sf, m.workspaceId, run.salesforceObject, settings, spec);
    const base = pageBase(m.workspaceId, run.salesforceObject, spec, settings, run.id);
    while (done < ids.length) {
      const chunk = ids.slice(done, done + IDS_PER_QUERY);
      const found = await readByIds(sf, run.salesforceObject, fields, chunk);
      const prepared = await preparePage(db, base, found, done);
      const seen = new Set(found.map((r) => readHead(r).id));
      const vanished = chunk
        .filter((id) => !seen.has(id))
        .map((id, i) => vanishedRecord(run.salesforceObject, id, done + found.length + i));
      done += chunk.length;
      await commitBatch(db, [...pageWrites(db, prepared, vanished), saveRunProgress(db, run, { done })]);
    }
    await commitBatch(db, [recountRun(db, run), closeRun(db, run, { status: "completed" })]);
    return { done: true };
  } catch (err) {
    const failure = toRunFailure(err);
    if (failure.transient && attempts < MAX_ATTEMPTS) return { retryDelaySeconds: retryDelaySeconds(env, attempts) };
    await commitBatch(db, failRun(db, run, failure));
    return { done: true };
  } finally {
    await sf?.flushUsage().catch(() => undefined);
  }
}

function vanishedRecord(salesforceObject: string, id: string, seq: number): RunRecordInput {
  return {
    key: id,
    seq,
    salesforceId: id,
    salesforceObject,
    conversionId: null,
    label: id,
    email: null,
    action: null,
    status: "failed",
    reasonCode: "unknown_error",
    reasonDetail: "Salesforce no longer returns this record (it may have been permanently deleted)",
    externalCreatedAt: null,
    externalUpdatedAt: null,
    changes: [],
  };
}
