// What an inbound Lead read left in D1, read the same way by the tests that compare two ways of reading one org
// (one REST stream, a Bulk job, parallel slices).
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { ALL_RECORDS } from "./assert-counts";

/** The workspace's contacts as a Lead read stores them, in Salesforce id order. */
export async function contactsOf(workspaceId: string) {
  const { results } = await env.DB.prepare(
    "SELECT salesforce_id, email, first_name, last_name, title, phone FROM contacts WHERE workspace_id = ? ORDER BY salesforce_id",
  )
    .bind(workspaceId)
    .all();
  return results;
}

/** The Lead watermark and lease of the workspace. */
export async function watermarkOf(workspaceId: string) {
  return env.DB.prepare(
    "SELECT watermark_stamp, watermark_id, backfill_done, lease_owner FROM sync_state WHERE workspace_id = ? AND salesforce_object = 'Lead'",
  )
    .bind(workspaceId)
    .first();
}

/** Every record of the workspace's runs once: no Salesforce id in two runs' records, none twice in one. */
export async function expectEachRecordOnce(workspaceId: string) {
  const row = await env.DB.prepare(
    `SELECT count(*) AS n, count(DISTINCT salesforce_id) AS ids FROM ${ALL_RECORDS} WHERE workspace_id = ?`,
  )
    .bind(workspaceId)
    .first<{ n: number; ids: number }>();
  expect(row!.n).toBe(row!.ids);
  return row!.n;
}
