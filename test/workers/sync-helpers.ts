import { env } from "cloudflare:workers";
import { expect, inject } from "vitest";
import { dbOver, shards } from "../../worker/db";
import { readRunRecords } from "../../worker/sync/runs/read";
import { expectRunCountsMatchRecords } from "./assert-counts";
import { connectWorkspace } from "./connect";
import { call, d1Of, jsonInit, newWorkspace } from "./helpers";

export const fakeUrl = () => inject("fakeOrgUrl");

/** Talks to the fake org's admin endpoints (reset, faults, records, call log) over HTTP. */
export async function fake<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${fakeUrl()}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`fake ${method} ${path} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Creates records straight in the fake org (as if someone typed them in Salesforce); their ids. */
export async function sfCreate(object: string, records: Record<string, unknown>[]): Promise<string[]> {
  return (await fake<{ ids: string[] }>("POST", "/__fake/records", { object, records })).ids;
}

/** resetFake's counts for an org with no records of any object; tests add what they need. */
export const NONE = {
  Lead: 0,
  Contact: 0,
  Account: 0,
  Opportunity: 0,
  OpportunityContactRole: 0,
  Conversion_Event__c: 0,
};

export async function resetFake(
  opts: {
    counts?: Record<string, number>;
    defects?: boolean;
    seed?: number;
    seedEndsSecondsAgo?: number;
    /** Whether the org has Conversion's package field Conversion_Id__c (the fake's default: yes). */
    conversionIdField?: boolean;
  } = {},
) {
  await fake("POST", "/__fake/reset", { seed: 7, defects: false, counts: {}, ...opts });
}

/** A workspace connected to the fake org, with settings patched as given. */
export async function connectedWorkspace(settings?: Record<string, unknown>, opts: { shard?: string } = {}) {
  const ws = await newWorkspace("Acme", opts);
  await connectWorkspace(ws, fakeUrl());
  if (settings) {
    const res = await call("/api/v1/settings", jsonInit("PATCH", settings, ws.auth));
    expect(res.status, await res.clone().text()).toBe(200);
  }
  return ws;
}

/** Only these objects sync (keeps a test about one object from waiting on the others). */
export function onlyObjects(...enabled: string[]) {
  const all = ["Account", "Lead", "Contact", "Opportunity", "OpportunityContactRole", "Conversion_Event__c"];
  return { objects: Object.fromEntries(all.map((o) => [o, { enabled: enabled.includes(o) }])) };
}

/** "Sync now", then waits until the cycle has run through every object (no lease held, nothing in progress). */
export async function syncNow(ws: { id: string; auth: Record<string, string> }, timeoutMs = 120_000) {
  const res = await call("/api/v1/sync/inbound", { method: "POST", headers: ws.auth });
  expect(res.status, await res.clone().text()).toBe(202);
  await settle(ws.id, timeoutMs);
  return (await res.json()) as { queued: string[] };
}

export async function settle(workspaceId: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const busy = await (await d1Of(workspaceId))
      .prepare(
        `SELECT (SELECT count(*) FROM sync_state WHERE workspace_id = ?1 AND lease_owner IS NOT NULL)
            + (SELECT count(*) FROM runs WHERE workspace_id = ?1 AND status = 'in_progress') AS n`,
      )
      .bind(workspaceId)
      .first<{ n: number }>();
    if (busy?.n === 0) return;
    if (Date.now() > deadline) {
      const held = await (await d1Of(workspaceId))
        .prepare(
          "SELECT salesforce_object, lease_owner, lease_expires_at FROM sync_state WHERE workspace_id = ? AND lease_owner IS NOT NULL",
        )
        .bind(workspaceId)
        .all();
      const open = await (await d1Of(workspaceId))
        .prepare(
          "SELECT id, salesforce_object, kind, heartbeat_at, state FROM runs WHERE workspace_id = ? AND status = 'in_progress'",
        )
        .bind(workspaceId)
        .all();
      throw new Error(
        `workspace ${workspaceId} did not settle in ${timeoutMs} ms: leases ${JSON.stringify(held.results)}, in progress ${JSON.stringify(open.results)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RunRowLite {
  id: string;
  salesforce_object: string;
  kind: string;
  status: string;
  created: number;
  updated: number;
  deleted: number;
  skipped: number;
  failed: number;
  failure_code: string | null;
  failure_detail: string | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
}

export async function runsOf(workspaceId: string, direction = "inbound"): Promise<RunRowLite[]> {
  const { results } = await (await d1Of(workspaceId))
    .prepare("SELECT * FROM runs WHERE workspace_id = ? AND direction = ? ORDER BY started_at, id")
    .bind(workspaceId, direction)
    .all<RunRowLite>();
  return results;
}

/** The invariant of every test: each run's counts equal its records by action and status. */
export const expectCountsMatchRecords = expectRunCountsMatchRecords;

/** A run's records as readers see them (pages and rows), in seq order, in run_records' column names. */
export async function recordsOf(runId: string): Promise<Record<string, any>[]> {
  // The run is on its workspace's shard, whichever that is.
  let found: { d1: D1Database; run: { workspace_id: string; salesforce_object: string } } | null = null;
  for (const shard of shards(env)) {
    const d1 = (env as unknown as Record<string, D1Database>)[shard]!;
    const run = await d1
      .prepare("SELECT workspace_id, salesforce_object FROM runs WHERE id = ?")
      .bind(runId)
      .first<{ workspace_id: string; salesforce_object: string }>();
    if (run) found = { d1, run };
  }
  if (!found) return [];
  const { d1, run } = found;
  const records = await readRunRecords(
    dbOver(d1),
    run.workspace_id,
    { id: runId, salesforceObject: run.salesforce_object },
    undefined,
    null,
    1_000_000,
  );
  return records.map((r) => ({
    id: r.id,
    run_id: r.runId,
    seq: r.seq,
    salesforce_id: r.salesforceId,
    salesforce_object: r.salesforceObject,
    conversion_id: r.conversionId,
    label: r.label,
    email: r.email,
    action: r.action,
    status: r.status,
    reason_code: r.reasonCode,
    reason_detail: r.reasonDetail,
    sf_status_code: r.sfError?.statusCode ?? null,
    sf_message: r.sfError?.message ?? null,
    external_created_at: r.externalCreatedAt,
    external_updated_at: r.externalUpdatedAt,
    changes: JSON.stringify(r.changes),
    outbox_id: r.outboxId,
  }));
}

/** Waits until an org switch's queued unlinking of the old org's ids is done (worker/sync/org/unlink.ts). */
export async function unlinked(workspaceId: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await (await d1Of(workspaceId))
      .prepare("SELECT unlinking_org_id AS u FROM workspaces WHERE id = ?")
      .bind(workspaceId)
      .first<{ u: string | null }>();
    if (!row?.u) return;
    if (Date.now() > deadline) throw new Error(`workspace ${workspaceId} was still unlinking after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
