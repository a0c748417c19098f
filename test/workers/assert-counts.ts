import { env } from "cloudflare:workers";
import { expect } from "vitest";

/**
 * api.md's invariant: every run's counts equal its records by action and status. Checked for every
 * run of the workspace, as the API serves them, so a test cannot pass with drifted counts.
 */
export async function expectRunCountsMatchRecords(workspaceId: string): Promise<number> {
  const { results } = await env.DB.prepare(
    `SELECT r.id, json_array(r.created, r.updated, r.deleted, r.skipped, r.failed) AS counts,
       (SELECT json_array(
          coalesce(sum(x.status = 'success' AND x.action = 'created'), 0),
          coalesce(sum(x.status = 'success' AND x.action = 'updated'), 0),
          coalesce(sum(x.status = 'success' AND x.action = 'deleted'), 0),
          coalesce(sum(x.status = 'skipped'), 0),
          coalesce(sum(x.status = 'failed'), 0))
        FROM run_records x WHERE x.run_id = r.id) AS fromRecords
     FROM runs r WHERE r.workspace_id = ?`,
  )
    .bind(workspaceId)
    .all<{ id: string; counts: string; fromRecords: string }>();
  for (const r of results) {
    expect({ run: r.id, counts: JSON.parse(r.counts) }).toEqual({ run: r.id, counts: JSON.parse(r.fromRecords) });
  }
  return results.length;
}
