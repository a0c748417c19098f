import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { pruneHistory } from "../../worker/sync/retention";
import { firstShard, newWorkspace } from "./helpers";

/**
 * A closed run with `pages` pages of records (500 each, stored as run_pages holds them) and `skipped`
 * skipped records, which keep a row each as they do in production.
 */
async function seedRun(workspaceId: string, id: string, startedAt: string, pages: number, skipped: number) {
  await env.DB.prepare(
    `INSERT INTO runs (id, workspace_id, direction, object_type, salesforce_object, kind, status, started_at, finished_at, heartbeat_at, skipped, reason_counts)
     VALUES (?, ?, 'inbound', 'contact', 'Lead', 'incremental', 'completed', ?, ?, ?, ?, ?)`,
  )
    // Closed, so it carries its reason counts as a close stores them: they live and go with the run's row.
    .bind(
      id,
      workspaceId,
      startedAt,
      startedAt,
      startedAt,
      skipped,
      JSON.stringify([["skipped", "missing_email", skipped]]),
    )
    .run();
  await env.DB.prepare(
    `INSERT INTO run_pages (workspace_id, run_id, first_seq, last_seq, created_at, updated, records)
     SELECT ?1, ?2, value * 500, value * 500 + 499, ?3, 500, '[]' FROM json_each(?4)`,
  )
    .bind(workspaceId, id, startedAt, JSON.stringify(Array.from({ length: pages }, (_, i) => i)))
    .run();
  await env.DB.prepare(
    `INSERT INTO run_records (id, workspace_id, run_id, record_key, seq, salesforce_object, status, reason_code, paged)
     SELECT ?2 || ':' || value, ?1, ?2, 'k' || value, value, 'Lead', 'skipped', 'missing_email', 1 FROM json_each(?3)`,
  )
    .bind(workspaceId, id, JSON.stringify(Array.from({ length: skipped }, (_, i) => i)))
    .run();
}

describe("retention", () => {
  it("prunes runs older than 90 days in bounded chunks and keeps recent ones", async () => {
    const ws = await newWorkspace();
    const now = Date.now();
    await seedRun(ws.id, "run_old", new Date(now - 100 * 86_400_000).toISOString(), 120, 7_000);
    await seedRun(ws.id, "run_new", new Date(now - 10 * 86_400_000).toISOString(), 1, 10);

    const first = await pruneHistory(firstShard, now);
    expect(first).toEqual({ records: 5_000, pages: 100, runs: 0 });
    const second = await pruneHistory(firstShard, now);
    expect(second).toEqual({ records: 2_000, pages: 20, runs: 1 });
    const left = await env.DB.prepare(
      `SELECT id, (SELECT count(*) FROM run_records WHERE run_id = runs.id) AS n,
         (SELECT count(*) FROM run_pages WHERE workspace_id = runs.workspace_id AND run_id = runs.id) AS pages,
         reason_counts FROM runs WHERE workspace_id = ?`,
    )
      .bind(ws.id)
      .all<{ id: string; n: number; pages: number; reason_counts: string }>();
    expect(left.results).toEqual([
      { id: "run_new", n: 10, pages: 1, reason_counts: '[["skipped","missing_email",10]]' },
    ]);
  });

  it("forgets creates whose answer has been unknown for the whole retention period", async () => {
    const ws = await newWorkspace();
    const now = Date.now();
    const journal = env.DB.prepare(
      "INSERT INTO create_journal (workspace_id, entity_id, salesforce_object, first_attempt_at, written) VALUES (?, ?, 'Lead', ?, '{}')",
    );
    await env.DB.batch([
      journal.bind(ws.id, "ct_old", new Date(now - 100 * 86_400_000).toISOString()),
      journal.bind(ws.id, "ct_new", new Date(now - 1 * 86_400_000).toISOString()),
    ]);
    await pruneHistory(firstShard, now);
    const left = await env.DB.prepare("SELECT entity_id FROM create_journal WHERE workspace_id = ?").bind(ws.id).all();
    expect(left.results).toEqual([{ entity_id: "ct_new" }]);
  });
});
