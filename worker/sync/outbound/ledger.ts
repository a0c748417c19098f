import { inArray, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { commitBatch } from "../../db/commit";
import { runs } from "../../db/schema";
import { sha256 } from "../../lib/crypto";
import { isoNow } from "../../lib/time";
import {
  closeRun,
  openRun,
  type RunOutcome,
  type RunRecordInput,
  type RunRow,
  recountRun,
  saveRunProgress,
  upsertRunRecords,
} from "../runs";
import { linkCreated, markProcessed } from "./commit";
import type { EntityType } from "./message";
import type { PushObject } from "./plan";

const OBJECTS: Record<EntityType, PushObject[]> = { contact: ["Lead", "Contact"], company: ["Account"] };

export async function runIdFor(batchKey: string, object: PushObject): Promise<string> {
  return `run_${(await sha256(`${batchKey}|${object}`)).slice(0, 22)}`;
}

/** The runs a batch key's deliveries opened (none before its first delivery). */
async function runsOf(db: Db, type: EntityType, batchKey: string): Promise<RunRow[]> {
  const ids = await Promise.all(OBJECTS[type].map((o) => runIdFor(batchKey, o)));
  return db.select().from(runs).where(inArray(runs.id, ids)).all();
}

// A sweep sends rows again after their run failed; each round gets the next key. 300 rounds at the
// sweep's five-minute pace is a day of Salesforce refusing every push; past that the rows wait, pending.
const MAX_ROUNDS = 300;

/**
 * The batch key, deterministic from the batch's outbox ids, so a redelivered batch finds its own
 * claim and runs. When that key's runs are closed and the named rows are still pending (the run
 * failed; the sweep sent them again), the next key in a fixed chain is used: redeliveries of the
 * resend walk the same chain to the same run. Null when the batch was already done.
 */
export async function resolveBatchKey(
  db: Db,
  workspaceId: string,
  type: EntityType,
  outboxIds: string[],
  pending: boolean,
) {
  let key = `obb_${(await sha256(`${workspaceId}|${type}|${[...outboxIds].sort().join(",")}`)).slice(0, 22)}`;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const known = await runsOf(db, type, key);
    if (!known.some((r) => r.status !== "in_progress")) return known.length || pending ? key : null;
    if (!pending) return null;
    key = `obb_${(await sha256(`${key}|next`)).slice(0, 22)}`;
  }
  return null;
}

export interface ChunkCommit {
  records: RunRecordInput[];
  outboxIds: string[];
  links?: { entityId: string; salesforceId: string }[];
}

/**
 * One group's runs, one per Salesforce object, kept with the shared run bookkeeping: records
 * upserted by (run, outbox id), counts recomputed from records, closed once.
 */
export function createLedger(db: Db, workspaceId: string, type: EntityType, batchKey: string) {
  const open = new Map<PushObject, { run: RunRow; nextSeq: number }>();

  async function openFor(object: PushObject) {
    let entry = open.get(object);
    if (entry) return entry;
    const id = await runIdFor(batchKey, object);
    const run = await openRun(db, {
      id,
      workspaceId,
      direction: "outbound",
      objectType: type,
      salesforceObject: object,
      kind: "push",
      startedAt: isoNow(),
      state: { batch: batchKey },
    });
    // A resumed run continues its numbering, so records keep the order they were pushed in.
    const last = await db.get<{ n: number | null }>(sql`SELECT max(seq) AS n FROM run_records WHERE run_id = ${id}`);
    entry = { run, nextSeq: (last?.n ?? -1) + 1 };
    open.set(object, entry);
    return entry;
  }

  return {
    /** Opens (or resumes) the object's run and hands out the next `count` sequence numbers. */
    async reserve(object: PushObject, count: number): Promise<{ runId: string; firstSeq: number }> {
      const entry = await openFor(object);
      const firstSeq = entry.nextSeq;
      entry.nextSeq += count;
      return { runId: entry.run.id, firstSeq };
    },
    /** Statements committing one chunk: its records, its outbox rows processed, new Salesforce ids, live counts. */
    commit(object: PushObject, runId: string, chunk: ChunkCommit) {
      return [
        ...upsertRunRecords(db, workspaceId, runId, chunk.records),
        markProcessed(db, chunk.outboxIds, runId),
        ...(chunk.links?.length ? [linkCreated(db, type, workspaceId, chunk.links, object)] : []),
        saveRunProgress(db, runId, { batch: batchKey }),
      ];
    },
    /**
     * Closes every run of this batch still in progress, this delivery's and any a crashed one left.
     * A run the reaper already closed (the delivery went quiet, then carried on) is only recounted:
     * its progress stopped counting when it closed, and its counts must still cover every record.
     */
    async closeAll(outcome: RunOutcome) {
      const all = await runsOf(db, type, batchKey);
      for (const run of all) {
        await commitBatch(
          db,
          run.status === "in_progress"
            ? [recountRun(db, run.id), closeRun(db, run, outcome)]
            : [recountRun(db, run.id)],
        );
      }
      return all.filter((r) => r.status === "in_progress").length;
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
