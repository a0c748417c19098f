import { expect } from "vitest";
import { d1Of } from "./helpers";

/**
 * Every record of every run as SQL sees it, in run_records' column names: the records packed in
 * run_pages, and the rows a Worker before migration 0013 wrote (in no page). For tests that count or
 * pick records across runs; `recordsOf` (sync-helpers) reads one run as the API does.
 */
export const ALL_RECORDS = `(SELECT p.workspace_id, p.run_id, CAST(j.value ->> 'q' AS INTEGER) AS seq,
    coalesce(j.value ->> 'k', j.value ->> 's', 'row-' || (j.value ->> 'q')) AS record_key,
    j.value ->> 's' AS salesforce_id, j.value ->> 'c' AS conversion_id, coalesce(j.value ->> 'l', '') AS label,
    j.value ->> 'e' AS email, j.value ->> 'a' AS action, coalesce(j.value ->> 't', 'success') AS status,
    j.value ->> 'r' AS reason_code, j.value ->> 'd' AS reason_detail, p.created_at,
    (SELECT json_group_array(json_object('field', c.value ->> 0, 'from', c.value -> 1, 'to', c.value -> 2))
      FROM json_each(coalesce(j.value -> 'g', '[]')) c) AS changes
  FROM run_pages p, json_each(p.records) j
  UNION ALL
  SELECT workspace_id, run_id, seq, record_key, salesforce_id, conversion_id, label, email, action, status,
    reason_code, reason_detail, created_at, changes
  FROM run_records WHERE paged = 0)`;

/**
 * The API's invariant (README "How it works"): every run's counts equal its records by action and
 * status. Checked for every run of the workspace from the records themselves (not the pages' stored
 * counts), so a test cannot pass with drifted counts.
 */
export async function expectRunCountsMatchRecords(workspaceId: string): Promise<number> {
  const { results } = await (await d1Of(workspaceId))
    .prepare(
      `SELECT r.id, json_array(r.created, r.updated, r.deleted, r.skipped, r.failed) AS counts,
       (SELECT json_array(
          coalesce(sum(x.status = 'success' AND x.action = 'created'), 0),
          coalesce(sum(x.status = 'success' AND x.action = 'updated'), 0),
          coalesce(sum(x.status = 'success' AND x.action = 'deleted'), 0),
          coalesce(sum(x.status = 'skipped'), 0),
          coalesce(sum(x.status = 'failed'), 0))
        FROM ${ALL_RECORDS} x WHERE x.run_id = r.id) AS fromRecords
     FROM runs r WHERE r.workspace_id = ?`,
    )
    .bind(workspaceId)
    .all<{ id: string; counts: string; fromRecords: string }>();
  for (const r of results) {
    expect({ run: r.id, counts: JSON.parse(r.counts) }).toEqual({ run: r.id, counts: JSON.parse(r.fromRecords) });
  }
  return results.length;
}

/**
 * A Failed run: "The whole batch could not be processed". No Failed run of the workspace has
 * a success among its records (records settled without a call, skipped, may still be reported).
 */
export async function expectNoSuccessInFailedRuns(workspaceId: string): Promise<void> {
  const { results } = await (await d1Of(workspaceId))
    .prepare(
      `SELECT r.id, (SELECT count(*) FROM ${ALL_RECORDS} x WHERE x.run_id = r.id AND x.status = 'success') AS successes
     FROM runs r WHERE r.workspace_id = ? AND r.status = 'failed'`,
    )
    .bind(workspaceId)
    .all<{ id: string; successes: number }>();
  for (const r of results) expect({ run: r.id, successes: r.successes }).toEqual({ run: r.id, successes: 0 });
}
