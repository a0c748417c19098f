import { type ShardEnv, shardDb } from "../../db";
import { commitBatch } from "../../db/commit";
import { outbox, runRecords } from "../../db/schema";
import { newId, randomToken } from "../../lib/crypto";
import { Refusal } from "../../lib/refusal";
import { isoNow } from "../../lib/time";
import { loadSettings } from "../../settings";
import { failedRecordIds, openRun, type RunRow } from "../runs";
import { ALL_FIELDS } from "./fields";
import { retryWouldWait } from "./hold";
import { runIdFor } from "./ledger";
import type { EntityType } from "./message";
import type { PushObject } from "./plan";

/** Push a retry's own outbox rows, and only those, under the retry run's batch key. */
export interface OutboundRetryMessage {
  type: "outbound_retry";
  workspaceId: string;
  entityType: EntityType;
  batchKey: string;
  outboxIds: string[];
}

const createsWaiting = () =>
  new Refusal(
    "conflict",
    "creates_waiting",
    "Some of these records are not in Salesforce yet, and new records wait until the first sync from the newly connected Salesforce org has finished, so that none is created twice. Retry once it has finished.",
  );

/**
 * Retry of an outbound run: every entity whose push failed gets a fresh outbox row, claimed at
 * once by the retry's batch key (so no regular push takes it meanwhile), and the retry run is
 * opened under that key. The consumer then pushes the entities' current state. Refused (409
 * creates_waiting) while creates wait for a new org's backfill and one of the records is not linked.
 */
export async function startOutboundRetry(env: ShardEnv, original: RunRow): Promise<RunRow> {
  const db = shardDb(env);
  const type = original.objectType as EntityType;
  const entityIds = [...new Set(await failedRecordIds(db, original.id, runRecords.conversionId))];
  // Pushed now, creates would wait for the new org's backfill and the retry would end empty.
  const settings = await loadSettings(db, original.workspaceId);
  if (await retryWouldWait(db, original.workspaceId, type, settings, entityIds)) throw createsWaiting();
  const batchKey = `obr_${randomToken(16)}`;
  const now = isoNow();
  const rows = entityIds.map((entityId) => ({
    id: newId("obx"),
    workspaceId: original.workspaceId,
    entityType: type,
    entityId,
    operation: "upsert" as const,
    // Every mapped field of the entity's current state, not just what last changed: whatever failed
    // before (a picklist, a length) may have been fixed in any field since.
    changedFields: JSON.stringify(ALL_FIELDS[type]),
    sentAt: now,
    runId: batchKey,
  }));
  const run = await openRun(db, {
    id: await runIdFor(batchKey, original.salesforceObject as PushObject),
    workspaceId: original.workspaceId,
    direction: "outbound",
    objectType: type,
    salesforceObject: original.salesforceObject,
    kind: "retry",
    startedAt: now,
    retryOf: original.id,
    state: { batch: batchKey },
  });
  for (let i = 0; i < rows.length; i += 50) await commitBatch(db, [db.insert(outbox).values(rows.slice(i, i + 50))]);
  const message: OutboundRetryMessage = {
    type: "outbound_retry",
    workspaceId: original.workspaceId,
    entityType: type,
    batchKey,
    outboxIds: rows.map((r) => r.id),
  };
  await env.OUTBOUND_QUEUE.send(message);
  return run;
}
