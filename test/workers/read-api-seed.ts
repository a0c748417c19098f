import { dbOver } from "../../worker/db";
import { runs } from "../../worker/db/schema";
import { isoNow } from "../../worker/lib/time";
import type { ObjectType } from "../../worker/sync/objects";
import { type RunRecordInput, recountRun } from "../../worker/sync/runs";
import { runRecordWrites } from "../../worker/sync/runs/write";
import { env } from "./helpers";

// Rows for the read API's tests, written the way the engines write them: runs inserted, records
// through the engines' own writes (pages, and rows for what no Conversion record holds: seeded records
// have no Conversion record, so each keeps a row), counts (and a closed run's reason counts) recomputed.

type RunInsert = typeof runs.$inferInsert;

let serial = 0;

/** A run with realistic defaults; `at` is its startedAt. */
export async function seedRun(workspaceId: string, at: string, over: Partial<RunInsert> = {}) {
  const direction = over.direction ?? "inbound";
  const row: RunInsert = {
    id: over.id ?? `run_${(++serial).toString().padStart(5, "0")}_${Math.random().toString(36).slice(2, 8)}`,
    workspaceId,
    direction,
    objectType: "contact",
    salesforceObject: direction === "inbound" ? "Lead" : "Contact",
    kind: direction === "inbound" ? "incremental" : "push",
    status: "completed",
    startedAt: at,
    finishedAt: over.status === "in_progress" ? null : new Date(Date.parse(at) + 1500).toISOString(),
    durationMs: over.status === "in_progress" ? null : 1500,
    heartbeatAt: at,
    ...over,
  };
  await dbOver(env.DB).insert(runs).values(row);
  return row as RunInsert & { id: string };
}

export type SeedRecord = Partial<RunRecordInput> & Pick<RunRecordInput, "status">;

/**
 * Records for a run (seq in the given order unless set), then the run's counts from them. A closed
 * run also gets its reason counts, as its close would store them; an open one has none yet.
 */
export async function seedRecords(
  workspaceId: string,
  runId: string,
  records: SeedRecord[],
  salesforceObject = "Lead",
) {
  const db = dbOver(env.DB);
  const rows: RunRecordInput[] = records.map((r, i) => ({
    key: r.key ?? `k${i}`,
    seq: r.seq ?? i + 1,
    salesforceId: r.salesforceId === undefined ? `00Q5g00000Ab${String(i).padStart(3, "0")}AAA` : r.salesforceId,
    salesforceObject: r.salesforceObject ?? salesforceObject,
    conversionId: r.conversionId !== undefined ? r.conversionId : r.status === "success" ? `ct_${i}` : null,
    label: r.label ?? `Person ${i}`,
    email: r.email ?? null,
    action: r.action === undefined ? (r.status === "success" ? "updated" : null) : r.action,
    status: r.status,
    reasonCode: r.reasonCode ?? null,
    reasonDetail: r.reasonDetail ?? null,
    sfError: r.sfError ?? null,
    externalCreatedAt: r.externalCreatedAt ?? "2026-01-05T09:00:00.000Z",
    externalUpdatedAt: r.externalUpdatedAt ?? "2026-11-28T09:00:00.000Z",
    changes: r.changes ?? [],
  }));
  const run = await env.DB.prepare("SELECT salesforce_object AS o, object_type AS t FROM runs WHERE id = ?")
    .bind(runId)
    .first<{ o: string; t: ObjectType }>();
  const write = { workspaceId, runId, salesforceObject: run!.o, objectType: run!.t, at: isoNow() };
  // One by one: drizzle 0.45's D1 batch cannot bind the parameters of a db.run(sql) statement.
  // The engines write a run's records in seq order (a stable sort keeps records sharing a seq in order).
  rows.sort((a, b) => a.seq - b.seq);
  for (const statement of runRecordWrites(db, write, rows)) await statement;
  await recountRun(db, { id: runId, workspaceId });
  await clearReasonCountsIfOpen(runId);
}

/** In production only a close stores reason counts (saveRunProgress keeps an open run's NULL). */
async function clearReasonCountsIfOpen(runId: string) {
  await env.DB.prepare("UPDATE runs SET reason_counts = NULL WHERE id = ? AND status = 'in_progress'")
    .bind(runId)
    .run();
}

/** Sets the time of one record (a seeded record keeps a row), for tests of "newest first" across runs. */
export async function setRecordCreatedAt(runId: string, key: string, createdAt: string) {
  await env.DB.prepare("UPDATE run_records SET created_at = ? WHERE run_id = ? AND record_key = ?")
    .bind(createdAt, runId, key)
    .run();
}

/**
 * `n` records for one run, written through the engines' writes a page at a time (10 % skipped,
 * the rest created successes of no Conversion record), for the 50,000-record export.
 */
export async function seedManyRecords(workspaceId: string, runId: string, n: number) {
  const records: SeedRecord[] = [];
  for (let i = 1; i <= n; i++) {
    records.push({
      key: String(i),
      seq: i,
      salesforceId: `00Q5g${String(i).padStart(10, "0")}AAA`,
      label: `Lead ${i}`,
      email: `lead${i}@example.com`,
      status: i % 10 === 0 ? "skipped" : "success",
      action: i % 10 === 0 ? null : "created",
      reasonCode: i % 10 === 0 ? "missing_email" : null,
      conversionId: null,
    });
  }
  for (let i = 0; i < records.length; i += 2_000) await seedRecords(workspaceId, runId, records.slice(i, i + 2_000));
}

/** An ISO instant `minutes` before now. */
export const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
