import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../worker";
import { dbOver } from "../../worker/db";
import { DEAD_LETTER_DETAIL } from "../../worker/sync/dead-letter";
import type { InboundBatchMessage } from "../../worker/sync/inbound";
import { firstBatch } from "../../worker/sync/inbound/chain";
import { acquireLease } from "../../worker/sync/leases";
import { reapStalledRuns, STALLED_DETAIL } from "../../worker/sync/reaper";
import { RUN_FAILURES } from "../../worker/sync/reasons";
import { MAX_ATTEMPTS } from "../../worker/sync/runs";
import { expectNoSuccessInFailedRuns } from "./assert-counts";
import { call, firstShard, jsonInit } from "./helpers";
import {
  connectedWorkspace,
  expectCountsMatchRecords,
  fake,
  NONE,
  onlyObjects,
  recordsOf,
  resetFake,
  runsOf,
  syncNow,
} from "./sync-helpers";

// Three pages of 2,000, the last one short: enough for a fault between pages and a resume after one.
const LEADS = 4_500;

/** Delivers one message to the Worker's queue handler, as the Queues runtime would. */
async function deliver(queue: string, body: unknown, attempts = 1) {
  const batch = createMessageBatch(queue, [{ id: `msg-${attempts}`, timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

/** A batch message of our own making, holding the object's lease like the planner's would. */
async function leadBatch(workspaceId: string): Promise<InboundBatchMessage> {
  const db = dbOver(env.DB);
  const cycleId = `cyc_test_${crypto.randomUUID()}`;
  expect(await acquireLease(db, workspaceId, "Lead", cycleId)).toBe(true);
  return firstBatch(db, workspaceId, "Lead", cycleId, []);
}

async function calls(kind: string) {
  const log = await fake<{ kind: string; path: string; status: number; records?: number }[]>("GET", "/__fake/calls");
  return log.filter((c) => c.kind === kind);
}

async function apiRun(ws: { auth: Record<string, string> }, id: string) {
  const res = await call(`/api/v1/sync/runs/${id}`, { headers: ws.auth });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    status: string;
    failure: { code: string; message: string; action: string } | null;
    counts: Record<string, number>;
  };
}

/** Every Lead of the org is one contact: none lost, none twice. */
async function expectEveryLeadOnce(workspaceId: string) {
  const contacts = await env.DB.prepare(
    "SELECT count(*) AS n, count(DISTINCT salesforce_id) AS d FROM contacts WHERE workspace_id = ?",
  )
    .bind(workspaceId)
    .first<{ n: number; d: number }>();
  expect(contacts).toEqual({ n: LEADS, d: LEADS });
}

describe("inbound under faults", () => {
  beforeEach(async () => {
    await resetFake({ counts: { ...NONE, Lead: LEADS } });
  });

  it("the same message delivered twice gives one run with exact counts", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const message = await leadBatch(ws.id);
    expect((await deliver("sync-inbound", message)).explicitAcks).toHaveLength(1);
    expect((await deliver("sync-inbound", message)).explicitAcks).toHaveLength(1);
    const runs = await runsOf(ws.id);
    expect(runs.map((r) => [r.status, r.created])).toEqual([["completed", LEADS]]);
    await expectCountsMatchRecords(ws.id);
  });

  it("a crash after page 2 resumes from the committed page: no duplicates, nothing lost", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const message = await leadBatch(ws.id);
    await fake("DELETE", "/__fake/calls");
    // Three calls admitted: the object's describe (field-level security), then two pages.
    await fake("POST", "/__fake/faults", { afterCalls: 3, then: { http500: 50 } });
    const first = await deliver("sync-inbound", message, 1);
    expect(first.retryMessages).toHaveLength(1);
    const [run] = await runsOf(ws.id);
    expect(run!.status).toBe("in_progress");
    expect(run!.created).toBe(4_000);

    await fake("DELETE", "/__fake/faults");
    await fake("DELETE", "/__fake/calls");
    expect((await deliver("sync-inbound", message, 2)).explicitAcks).toHaveLength(1);
    const runs = await runsOf(ws.id);
    expect(runs.map((r) => [r.id, r.status, r.created])).toEqual([[run!.id, "completed", LEADS]]);
    // The retry asked only for what was left: a window after the last committed record, one page of 500.
    const resumed = await calls("queryAll").then((q) => q.concat());
    const queries = [...resumed, ...(await calls("query"))];
    expect(queries).toHaveLength(1);
    expect(queries[0]!.records).toBe(LEADS - 4_000);
    expect(decodeURIComponent(queries[0]!.path)).toMatch(
      /SystemModstamp > \S+ OR \(SystemModstamp = \S+ AND Id > '00Q/,
    );
    expect((await calls("queryMore")).length).toBe(0);
    await expectEveryLeadOnce(ws.id);
    await expectCountsMatchRecords(ws.id);
  });

  it("a 401 in the middle of a sync refreshes the token once and carries on", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await fake("DELETE", "/__fake/calls");
    await fake("POST", "/__fake/faults", { afterCalls: 2, then: { expireAccessTokens: true } });
    await syncNow(ws);
    expect((await runsOf(ws.id)).map((r) => [r.status, r.created])).toEqual([["completed", LEADS]]);
    expect(await calls("oauth_token")).toHaveLength(1);
    expect((await calls("queryMore")).filter((c) => c.status === 401)).toHaveLength(1);
    await expectCountsMatchRecords(ws.id);
  });

  it("503s are retried in-call and the run completes", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await fake("POST", "/__fake/faults", { afterCalls: 1, then: { http503: 2 } });
    await syncNow(ws);
    expect((await runsOf(ws.id)).map((r) => [r.status, r.created])).toEqual([["completed", LEADS]]);
  });

  it("REQUEST_LIMIT_EXCEEDED fails the run as api_limit_exceeded and stops the cycle", async () => {
    await resetFake({ counts: { ...NONE, Lead: 10, Account: 10 } });
    const ws = await connectedWorkspace(onlyObjects("Account", "Lead"));
    await fake("POST", "/__fake/faults", { limitReached: true });
    await syncNow(ws);
    const runs = await runsOf(ws.id);
    expect(runs.map((r) => [r.salesforce_object, r.status, r.failure_code])).toEqual([
      ["Account", "failed", "api_limit_exceeded"],
    ]);
    const run = await apiRun(ws, runs[0]!.id);
    expect(run.failure).toMatchObject({
      code: "api_limit_exceeded",
      message: "API limit exceeded",
      action: RUN_FAILURES.api_limit_exceeded.action,
    });
  });

  it("an unreadable object (INVALID_TYPE) fails its run as insufficient_permissions; the others still sync", async () => {
    await resetFake({ counts: { ...NONE, Lead: 10, Contact: 10 } });
    const ws = await connectedWorkspace(onlyObjects("Lead", "Contact"));
    await fake("POST", "/__fake/faults", { unreadable: { Lead: "INVALID_TYPE" } });
    await syncNow(ws);
    const runs = await runsOf(ws.id);
    expect(runs.map((r) => [r.salesforce_object, r.status, r.failure_code])).toEqual([
      ["Lead", "failed", "insufficient_permissions"],
      ["Contact", "completed", null],
    ]);
    expect((await apiRun(ws, runs[0]!.id)).failure).toMatchObject({
      message: "Insufficient permissions",
      action: RUN_FAILURES.insufficient_permissions.action,
    });
  });

  it("a revoked refresh token fails the run as authentication_failure and asks for a reconnect", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await fake("POST", "/__fake/faults", { revokeRefreshTokens: true, expireAccessTokens: true });
    await syncNow(ws);
    const runs = await runsOf(ws.id);
    expect(runs.map((r) => [r.status, r.failure_code])).toEqual([["failed", "authentication_failure"]]);
    expect((await apiRun(ws, runs[0]!.id)).failure?.action).toBe("Reconnect Salesforce from the Overview tab.");
    const conn = (await (await call("/api/v1/connection", { headers: ws.auth })).json()) as { status: string };
    expect(conn.status).toBe("needs_reconnect");
    expect((await call("/api/v1/sync/inbound", jsonInit("POST", {}, ws.auth))).status).toBe(409);
  });

  it("the reaper fails a run that stopped heartbeating and frees its lease", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const message = await leadBatch(ws.id);
    const old = new Date(Date.now() - 10 * 60_000).toISOString();
    await env.DB.prepare(
      `INSERT INTO runs (id, workspace_id, direction, object_type, salesforce_object, kind, status, started_at, heartbeat_at)
       VALUES ('run_stalled', ?, 'inbound', 'contact', 'Lead', 'backfill', 'in_progress', ?, ?)`,
    )
      .bind(ws.id, old, old)
      .run();
    await env.DB.prepare(
      "UPDATE sync_state SET lease_expires_at = ? WHERE workspace_id = ? AND salesforce_object = 'Lead'",
    )
      .bind(old, ws.id)
      .run();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const stalled = await env.DB.prepare(
      "SELECT status, failure_code, failure_detail, finished_at FROM runs WHERE id = 'run_stalled'",
    ).first<Record<string, string>>();
    expect(stalled).toMatchObject({ status: "failed", failure_code: "unknown_error", failure_detail: STALLED_DETAIL });
    expect(stalled?.finished_at).not.toBeNull();
    // The stale chain's message is ignored (its lease is gone); a new cycle can take the object.
    expect((await deliver("sync-inbound", message)).explicitAcks).toHaveLength(1);
    await syncNow(ws);
    const runs = await runsOf(ws.id);
    expect(runs.filter((r) => r.status === "completed").map((r) => r.created)).toEqual([LEADS]);
  });

  it("a message that used up its retries fails its run with a message (dead-letter queue)", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const message = await leadBatch(ws.id);
    await deliver("sync-dead-letter", message);
    const runs = await runsOf(ws.id);
    expect(runs.map((r) => [r.status, r.failure_code, r.failure_detail])).toEqual([
      ["failed", "unknown_error", DEAD_LETTER_DETAIL],
    ]);
    const lease = await env.DB.prepare(
      "SELECT lease_owner FROM sync_state WHERE workspace_id = ? AND salesforce_object = 'Lead'",
    )
      .bind(ws.id)
      .first<{ lease_owner: string | null }>();
    expect(lease?.lease_owner).toBeNull();
  });

  it("the daily API budget pauses syncing before another batch starts", async () => {
    const ws = await connectedWorkspace({ ...onlyObjects("Lead"), apiDailyBudget: 3 });
    await syncNow(ws);
    expect((await runsOf(ws.id)).map((r) => r.status)).toEqual(["completed"]);
    const again = await call("/api/v1/sync/inbound", jsonInit("POST", {}, ws.auth));
    expect(again.status).toBe(429);
    const conn = (await (await call("/api/v1/connection", { headers: ws.auth })).json()) as {
      apiUsage: { used: number; limit: number } | null;
    };
    expect(conn.apiUsage?.used).toBeGreaterThan(0);
    expect(conn.apiUsage?.limit).toBeGreaterThan(conn.apiUsage!.used);
  });
});

// A Failed run is "The whole batch could not be processed". A batch that fails after some of its
// pages committed processed those pages: they are a Completed run, and the failure is a run of its own.
describe("a batch cut short after committing pages", () => {
  beforeEach(async () => {
    await resetFake({ counts: { ...NONE, Lead: LEADS } });
  });

  /** Each run as [status, counts…, failure code, failure detail]. */
  const summary = (runs: Awaited<ReturnType<typeof runsOf>>) =>
    runs.map((r) => [r.status, r.created, r.updated, r.deleted, r.skipped, r.failed, r.failure_code, r.failure_detail]);

  async function leaseOf(workspaceId: string) {
    return env.DB.prepare(
      "SELECT lease_owner, backfill_done FROM sync_state WHERE workspace_id = ? AND salesforce_object = 'Lead'",
    )
      .bind(workspaceId)
      .first<{ lease_owner: string | null; backfill_done: number }>();
  }

  /** Two pages committed, then 500s until the delivery gives up: the run is left In progress with 4,000. */
  async function stalledAfterTwoPages(ws: { id: string }) {
    const message = await leadBatch(ws.id);
    await fake("POST", "/__fake/faults", { afterCalls: 3, then: { http500: 50 } });
    expect((await deliver("sync-inbound", message, 1)).retryMessages).toHaveLength(1);
    expect(summary(await runsOf(ws.id))).toEqual([["in_progress", 4_000, 0, 0, 0, 0, null, null]]);
    return message;
  }

  it.each([
    ["the org's API limit", { limitReached: true }, 1, "api_limit_exceeded", "API limit exceeded"],
    ["500s on the last delivery", { http500: 50 }, MAX_ATTEMPTS, "unknown_error", "Unknown error"],
  ])(
    "%s after two pages: a Completed run with exactly their records, the failure its own Failed run with none; the next cycle reads the rest",
    async (_, then, attempts, code, words) => {
      const ws = await connectedWorkspace(onlyObjects("Lead"));
      const message = await leadBatch(ws.id);
      // Admitted: the object's describe and two pages; the third page meets the fault.
      await fake("POST", "/__fake/faults", { afterCalls: 3, then });
      expect((await deliver("sync-inbound", message, attempts)).explicitAcks).toHaveLength(1);
      const runs = await runsOf(ws.id);
      expect(summary(runs).map((r) => r.slice(0, 7))).toEqual([
        ["completed", 4_000, 0, 0, 0, 0, null],
        ["failed", 0, 0, 0, 0, 0, code],
      ]);
      const [done, failed] = runs as [(typeof runs)[0], (typeof runs)[0]];
      expect(await recordsOf(failed.id)).toEqual([]);
      expect((await recordsOf(done.id)).filter((r) => r.status === "success")).toHaveLength(4_000);
      expect((await apiRun(ws, failed.id)).failure).toMatchObject({ code, message: words });
      expect((await apiRun(ws, done.id)).failure).toBeNull();
      // The failure is what came after the committed pages.
      expect(failed.started_at >= done.finished_at!).toBe(true);
      await expectCountsMatchRecords(ws.id);
      await expectNoSuccessInFailedRuns(ws.id);

      // A redelivery after a crash that kept the lease: the batch is over; the backfill is not done.
      await acquireLease(dbOver(env.DB), ws.id, "Lead", message.cycleId);
      expect((await deliver("sync-inbound", message, attempts + 1)).explicitAcks).toHaveLength(1);
      expect(summary(await runsOf(ws.id))).toEqual(summary(runs));
      expect((await leaseOf(ws.id))?.backfill_done).toBe(0);
      await env.DB.prepare("UPDATE sync_state SET lease_owner = NULL, lease_expires_at = NULL WHERE workspace_id = ?")
        .bind(ws.id)
        .run();

      // Nothing lost: the watermark stopped at the committed pages, so the next cycle reads the rest.
      await fake("DELETE", "/__fake/faults");
      await syncNow(ws);
      const after = await runsOf(ws.id);
      expect(after.filter((r) => r.status === "completed").reduce((n, r) => n + r.created, 0)).toBe(LEADS);
      await expectEveryLeadOnce(ws.id);
      await expectCountsMatchRecords(ws.id);
      await expectNoSuccessInFailedRuns(ws.id);
    },
  );

  it("the reaper closes a stalled run Completed with the pages it committed; the stall is its own Failed run", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await stalledAfterTwoPages(ws);
    // Started 11 minutes ago, its last page committed 10 minutes ago, not a word since.
    const old = new Date(Date.now() - 10 * 60_000).toISOString();
    const start = new Date(Date.now() - 11 * 60_000).toISOString();
    await env.DB.prepare("UPDATE runs SET started_at = ?, heartbeat_at = ? WHERE workspace_id = ?")
      .bind(start, old, ws.id)
      .run();
    await env.DB.prepare("UPDATE sync_state SET lease_expires_at = ? WHERE workspace_id = ?").bind(old, ws.id).run();
    expect(await reapStalledRuns(firstShard)).toBe(1);
    const runs = await runsOf(ws.id);
    expect(summary(runs)).toEqual([
      ["completed", 4_000, 0, 0, 0, 0, null, null],
      ["failed", 0, 0, 0, 0, 0, "unknown_error", STALLED_DETAIL],
    ]);
    // The completed part ended with its last page, not when the reaper noticed; the stall began there.
    expect([runs[0]!.finished_at, runs[0]!.duration_ms, runs[1]!.started_at]).toEqual([old, 60_000, old]);
    expect(await recordsOf(runs[1]!.id)).toEqual([]);
    expect((await leaseOf(ws.id))?.lease_owner).toBeNull();
    await expectCountsMatchRecords(ws.id);
    await expectNoSuccessInFailedRuns(ws.id);
  });

  it("a dead-lettered batch that had committed pages: a Completed run with them, the failure its own Failed run", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const message = await stalledAfterTwoPages(ws);
    await deliver("sync-dead-letter", message);
    const runs = await runsOf(ws.id);
    expect(summary(runs)).toEqual([
      ["completed", 4_000, 0, 0, 0, 0, null, null],
      ["failed", 0, 0, 0, 0, 0, "unknown_error", DEAD_LETTER_DETAIL],
    ]);
    expect(await recordsOf(runs[1]!.id)).toEqual([]);
    expect((await leaseOf(ws.id))?.lease_owner).toBeNull();
    await expectCountsMatchRecords(ws.id);
    await expectNoSuccessInFailedRuns(ws.id);
  });
});
