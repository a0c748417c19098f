import { getDb } from "../../worker/db";
import { runs } from "../../worker/db/schema";
import { type RunRecordInput, recountRun, upsertRunRecords } from "../../worker/sync/runs";
import { env } from "./helpers";

// Rows for the read API's tests, written the way the engines write them: runs inserted, records
// through the engines' own upsert, counts (and a closed run's reason counts) recomputed from the records.

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
  await getDb(env).insert(runs).values(row);
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
  const db = getDb(env);
  const rows: RunRecordInput[] = records.map((r, i) => ({
    key: r.key ?? `k${i}`,
    seq: r.seq ?? i + 1,
    salesforceId: r.salesforceId === undefined ? `00Q5g00000Ab${String(i).padStart(3, "0")}AAA` : r.salesforceId,
    salesforceObject: r.salesforceObject ?? salesforceObject,
    conversionId: r.conversionId ?? (r.status === "success" ? `ct_${i}` : null),
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
  // One by one: drizzle 0.45's D1 batch cannot bind the parameters of a db.run(sql) statement.
  for (const statement of upsertRunRecords(db, workspaceId, runId, rows)) await statement;
  await recountRun(db, runId);
  await clearReasonCountsIfOpen(runId);
}

/** In production only a close stores reason counts (saveRunProgress keeps an open run's NULL). */
async function clearReasonCountsIfOpen(runId: string) {
  await env.DB.prepare("UPDATE runs SET reason_counts = NULL WHERE id = ? AND status = 'in_progress'")
    .bind(runId)
    .run();
}

/** Sets run_records.created_at for one record, for tests of "newest first" across runs. */
export async function setRecordCreatedAt(runId: string, key: string, createdAt: string) {
  await env.DB.prepare("UPDATE run_records SET created_at = ? WHERE run_id = ? AND record_key = ?")
    .bind(createdAt, runId, key)
    .run();
}

/** `n` records for one run in one statement (a recursive CTE), for the 50,000-record export. */
export async function seedManyRecords(workspaceId: string, runId: string, n: number) {
  await env.DB.prepare(
    `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?)
     INSERT INTO run_records (id, workspace_id, run_id, record_key, seq, salesforce_id, salesforce_object, label, email,
       action, status, reason_code, changes)
     SELECT ? || ':' || i, ?, ?, 'k' || i, i, printf('00Q5g%010dAAA', i), 'Lead', 'Lead ' || i, 'lead' || i || '@example.com',
       CASE WHEN i % 10 = 0 THEN NULL ELSE 'created' END, CASE WHEN i % 10 = 0 THEN 'skipped' ELSE 'success' END,
       CASE WHEN i % 10 = 0 THEN 'missing_email' END, '[]'
     FROM s`,
  )
    .bind(n, runId, workspaceId, runId)
    .run();
  await recountRun(getDb(env), runId);
  await clearReasonCountsIfOpen(runId);
}

/** An ISO instant `minutes` before now. */
export const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
