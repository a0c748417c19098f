import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { call, env, jsonInit, newWorkspace } from "../../../test/workers/helpers";
import { minutesAgo, type SeedRecord, seedRecords, seedRun } from "../../../test/workers/read-api-seed";
import { dbOver } from "../../db";
import { commitBatch } from "../../db/commit";
import { closeRun, recountRun } from "../../sync/runs";
import type { syncHealthSchema } from "./health.routes";

type Ws = Awaited<ReturnType<typeof newWorkspace>>;

const times = (n: number, r: SeedRecord) => Array.from({ length: n }, () => ({ ...r }));
const keyed = (records: SeedRecord[]) => records.map((r, i) => ({ ...r, key: `k${i}` }));

let ws: Ws;
let latestInbound: string;
let latestOutbound: string;

beforeAll(async () => {
  ws = await newWorkspace("Health");
  const contacts = await seedRun(ws.id, minutesAgo(10));
  latestInbound = contacts.id;
  await seedRecords(
    ws.id,
    contacts.id,
    keyed([
      ...times(5, { status: "success", action: "created" }),
      ...times(3, { status: "skipped", reasonCode: "missing_email" }),
      { status: "skipped", reasonCode: "do_not_sync" },
      ...times(2, { status: "failed", reasonCode: "malformed_data" }),
    ]),
  );
  await seedRun(ws.id, minutesAgo(120), {
    objectType: "company",
    salesforceObject: "Account",
    status: "failed",
    failureCode: "api_limit_exceeded",
  });
  const push = await seedRun(ws.id, minutesAgo(30), {
    direction: "outbound",
    salesforceObject: "Contact",
    kind: "push",
  });
  latestOutbound = push.id;
  await seedRecords(
    ws.id,
    push.id,
    keyed([
      ...times(2, { status: "failed", reasonCode: "validation_rule_failure" }),
      { status: "failed", reasonCode: "unknown_error" },
      { status: "skipped", reasonCode: "no_fields_to_update" },
      { status: "success", action: "updated" },
    ]),
    "Contact",
  );
  const leads = await seedRun(ws.id, minutesAgo(300));
  await seedRecords(
    ws.id,
    leads.id,
    keyed([
      { status: "skipped", reasonCode: "missing_email" },
      { status: "skipped", reasonCode: "invalid_email" },
      { status: "skipped", reasonCode: "lead_converted" },
      { status: "failed", reasonCode: "unknown_error" },
    ]),
  );
  // Older than 24 hours: not in the numbers, however many reasons it has.
  const old = await seedRun(ws.id, minutesAgo(26 * 60), { status: "failed", failureCode: "authentication_failure" });
  await seedRecords(ws.id, old.id, keyed(times(10, { status: "skipped", reasonCode: "lead_converted" })));
  // Another workspace's bad day must not show here.
  const other = await newWorkspace("Health other");
  const theirs = await seedRun(other.id, minutesAgo(5), { status: "failed", failureCode: "unknown_error" });
  await seedRecords(other.id, theirs.id, keyed(times(20, { status: "skipped", reasonCode: "do_not_sync" })));
});

async function health(w: Ws) {
  const res = await call("/api/v1/sync/health", { headers: w.auth });
  expect(res.status, await res.clone().text()).toBe(200);
  // As sent (not parsed, so an extra field still fails a toEqual), typed as the route declares it.
  return (await res.json()) as z.output<typeof syncHealthSchema>;
}

describe("GET /api/v1/sync/health", () => {
  it("says nothing has happened for a new workspace", async () => {
    expect(await health(await newWorkspace("Fresh"))).toEqual({
      lastRuns: { inbound: null, outbound: null },
      last24h: { failedRuns: 0, failedRecords: 0, skippedRecords: 0 },
      topReasons: [],
      connection: { status: "not_connected", instanceUrl: null, orgId: null, username: null },
      apiUsage: null,
      apiBudget: { used: 0, limit: null },
      paused: false,
      pausedReason: null,
      // Every object enabled by default but the event object; never checked, and no next check until connected.
      inboundChecks: ["Account", "Lead", "Contact", "Opportunity", "OpportunityContactRole"].map((o, i) => ({
        salesforceObject: o,
        objectType: ["company", "contact", "contact", "opportunity", "opportunity_contact_role"][i],
        lastCheckedAt: null,
        nextCheckAt: null,
        checking: false,
      })),
      warnings: [],
    });
  });

  it("gives the last run per direction and the last 24 hours' numbers", async () => {
    const h = await health(ws);
    expect(h.lastRuns.inbound).toMatchObject({
      id: latestInbound,
      description: "Synced contacts from Salesforce",
      counts: { created: 5, skipped: 4, failed: 2 },
    });
    expect(h.lastRuns.outbound).toMatchObject({
      id: latestOutbound,
      description: "Pushed contact updates to Salesforce",
    });
    expect(h.last24h).toEqual({ failedRuns: 1, failedRecords: 6, skippedRecords: 8 });
  });

  it("ranks the top five reasons, most frequent first, in the catalogue's words", async () => {
    const { topReasons } = await health(ws);
    expect(topReasons.map((r: any) => [r.direction, r.status, r.code, r.count])).toEqual([
      ["inbound", "skipped", "missing_email", 4],
      ["inbound", "failed", "malformed_data", 2],
      ["outbound", "failed", "validation_rule_failure", 2],
      ["inbound", "skipped", "do_not_sync", 1],
      ["inbound", "skipped", "invalid_email", 1],
    ]);
    expect(topReasons[0]).toEqual({
      code: "missing_email",
      message: "Missing email address",
      explanation: "The Lead or Contact has no email address. Contacts in Conversion must have an email address.",
      direction: "inbound",
      status: "skipped",
      count: 4,
    });
    expect(topReasons[2].message).toBe("Validation rule failure");
  });

  it("shows the connection, the org's API usage and a pause for the daily budget", async () => {
    const w = await newWorkspace("Connected");
    await env.DB.prepare(
      `INSERT INTO connections (workspace_id, status, instance_url, org_id, user_id, username, access_token_enc, connected_at, api_used, api_limit, api_as_of)
       VALUES (?, 'connected', 'https://acme.my.salesforce.com', '00D5g000004ABCDEAA', '0055g00000AbCdEAAV', 'sync@acme.com', 'enc', ?, 1200, 15000, ?)`,
    )
      .bind(w.id, minutesAgo(60), minutesAgo(1))
      .run();
    const before = await health(w);
    expect(before.connection).toEqual({
      status: "connected",
      instanceUrl: "https://acme.my.salesforce.com",
      orgId: "00D5g000004ABCDEAA",
      username: "sync@acme.com",
    });
    expect(before.apiUsage).toEqual({ used: 1200, limit: 15000, asOf: expect.any(String) });
    expect(before.paused).toBe(false);

    expect((await call("/api/v1/settings", jsonInit("PATCH", { apiDailyBudget: 100 }, w.auth))).status).toBe(200);
    await env.DB.prepare("INSERT INTO api_calls (workspace_id, day, calls) VALUES (?, ?, 100)")
      .bind(w.id, new Date().toISOString().slice(0, 10))
      .run();
    const after = await health(w);
    expect(after.apiBudget).toEqual({ used: 100, limit: 100 });
    expect(after.paused).toBe(true);
    expect(after.pausedReason).toContain("daily budget");

    await env.DB.prepare("UPDATE connections SET status = 'needs_reconnect' WHERE workspace_id = ?").bind(w.id).run();
    expect((await health(w)).connection.status).toBe("needs_reconnect");
  });

  it("needs credentials", async () => {
    expect((await call("/api/v1/sync/health")).status).toBe(401);
  });
});

describe("top reasons, stored at a run's close or counted live", () => {
  const reasonCounts = async (runId: string) =>
    (await env.DB.prepare("SELECT reason_counts AS v FROM runs WHERE id = ?").bind(runId).first<{ v: string | null }>())
      ?.v ?? null;
  const ranked = async (w: Ws) =>
    (await health(w)).topReasons.map((r: any) => [r.direction, r.status, r.code, r.count]);
  const expected = [
    ["inbound", "skipped", "missing_email", 5],
    ["outbound", "failed", "validation_rule_failure", 2],
    ["inbound", "skipped", "invalid_email", 1],
    ["inbound", "failed", "malformed_data", 1],
    ["outbound", "skipped", "no_fields_to_update", 1],
  ];

  it("gives the same numbers whether a run's reasons are stored, legacy (none stored) or still in progress", async () => {
    const w = await newWorkspace("Health stored or live");
    const inbound = await seedRun(w.id, minutesAgo(40));
    await seedRecords(
      w.id,
      inbound.id,
      keyed([
        ...times(3, { status: "skipped", reasonCode: "missing_email" }),
        { status: "failed", reasonCode: "malformed_data" },
        ...times(2, { status: "success", action: "created" }),
      ]),
    );
    const push = await seedRun(w.id, minutesAgo(20), {
      direction: "outbound",
      salesforceObject: "Contact",
      kind: "push",
    });
    await seedRecords(
      w.id,
      push.id,
      keyed([
        ...times(2, { status: "failed", reasonCode: "validation_rule_failure" }),
        { status: "skipped", reasonCode: "no_fields_to_update" },
      ]),
      "Contact",
    );
    const open = await seedRun(w.id, minutesAgo(5), { status: "in_progress" });
    await seedRecords(
      w.id,
      open.id,
      keyed([
        ...times(2, { status: "skipped", reasonCode: "missing_email" }),
        { status: "skipped", reasonCode: "invalid_email" },
      ]),
    );

    // Closed runs carry their reasons; the open one has none yet and is counted from its records.
    expect(JSON.parse((await reasonCounts(inbound.id))!)).toEqual([
      ["failed", "malformed_data", 1],
      ["skipped", "missing_email", 3],
    ]);
    expect(JSON.parse((await reasonCounts(push.id))!)).toEqual([
      ["failed", "validation_rule_failure", 2],
      ["skipped", "no_fields_to_update", 1],
    ]);
    expect(await reasonCounts(open.id)).toBeNull();
    expect(await ranked(w)).toEqual(expected);

    // Runs closed before migration 0003 have none stored: counted live, the same answer.
    await env.DB.prepare("UPDATE runs SET reason_counts = NULL WHERE workspace_id = ?").bind(w.id).run();
    expect(await ranked(w)).toEqual(expected);

    // Every run closed the way the engines close them (recount and close in one batch): stored everywhere.
    const db = dbOver(env.DB);
    for (const run of [inbound, push, open])
      await commitBatch(db, [
        recountRun(db, { id: run.id, workspaceId: w.id }),
        closeRun(db, run, { status: "completed" }),
      ]);
    expect(JSON.parse((await reasonCounts(open.id))!)).toEqual([
      ["skipped", "invalid_email", 1],
      ["skipped", "missing_email", 2],
    ]);
    expect(await ranked(w)).toEqual(expected);
  });

  it("stores an empty list for a run with nothing skipped or failed, and counts nothing for it", async () => {
    const w = await newWorkspace("Health clean run");
    const clean = await seedRun(w.id, minutesAgo(15));
    await seedRecords(w.id, clean.id, keyed(times(4, { status: "success", action: "updated" })));
    expect(await reasonCounts(clean.id)).toBe("[]");
    expect(await ranked(w)).toEqual([]);
  });
});
