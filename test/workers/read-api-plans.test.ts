import { eq, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listNewestFirst } from "../../worker/api/catalog/keyset";
import { encodeCursor } from "../../worker/api/cursor";
import { connectionQuery, last24hQuery, topReasonsQuery } from "../../worker/api/health/health.queries";
import {
  historyHoldersQuery,
  historyRowsQuery,
  refRecordsQuery,
  runsOfQuery,
} from "../../worker/api/runs/history.queries";
import { runFiltersFrom } from "../../worker/api/runs/params";
import { listRunsQuery, runByIdQuery } from "../../worker/api/runs/runs.queries";
import { quarterTotalsQuery } from "../../worker/api/totals/totals.queries";
import { dbOver } from "../../worker/db";
import { contacts } from "../../worker/db/schema";
import { TIME_ORDERED_OLD_ROW } from "../../worker/db/schema/time-ordered";
import { latestRetryQuery } from "../../worker/sync/retry/latest";
import { recountRun, saveRunProgress } from "../../worker/sync/runs";
import { recordRowsQuery, runPagesQuery } from "../../worker/sync/runs/read";
import { countingD1 } from "./counting-d1";
import { env } from "./helpers";
import { expectIndexed, plan } from "./plans";

// EXPLAIN QUERY PLAN on the very SQL the read handlers send (same builders, `.toSQL()`): every list
// walks an index in its ORDER BY order — no table scan, no sort — whatever filters are combined.

const db = dbOver(env.DB);
const WS = "ws_plan";

const RUN_CURSOR = ["2026-11-28T10:00:00.000Z", "run_x"] as const;
const RUN = { id: "run_x", workspaceId: WS };

function planSuite(label: string) {
  describe(`${label}: GET /sync/runs`, () => {
    const cases: [string, Record<string, string>, string[]][] = [
      ["no filter", {}, ["runs_ws_started"]],
      ["direction", { direction: "inbound" }, ["runs_ws_dir_started"]],
      ["objectType", { objectType: "company" }, ["runs_ws_obj_started"]],
      ["status", { status: "failed" }, ["runs_ws_status_started"]],
      ["from", { from: "2026-11-01" }, ["runs_ws_started"]],
      ["to", { to: "2026-11-30" }, ["runs_ws_started"]],
      ["from and to", { from: "2026-11-01", to: "2026-11-30T12:00:00Z" }, ["runs_ws_started"]],
      [
        "direction, from and to",
        { direction: "outbound", from: "2026-11-01", to: "2026-11-30" },
        ["runs_ws_dir_started"],
      ],
      [
        "objectType, from and to",
        { objectType: "event", from: "2026-11-01", to: "2026-11-30" },
        ["runs_ws_obj_started"],
      ],
      [
        "status, from and to",
        { status: "in_progress", from: "2026-11-01", to: "2026-11-30" },
        ["runs_ws_status_started"],
      ],
      ["has failures", { has: "failed" }, ["runs_ws_failures_started"]],
      ["has skipped records", { has: "skipped" }, ["runs_ws_skips_started"]],
      // The Overview chart's click: one local day's failures.
      [
        "has failures, from and to",
        { has: "failed", from: "2026-11-29T23:00:00Z", to: "2026-11-30T22:59:59.999Z" },
        ["runs_ws_failures_started"],
      ],
      [
        "has skipped records, direction, from and to",
        { has: "skipped", direction: "inbound", from: "2026-11-01", to: "2026-11-30" },
        ["runs_ws_skips_started", "runs_ws_dir_started"],
      ],
      [
        "direction and objectType",
        { direction: "inbound", objectType: "contact" },
        ["runs_ws_dir_started", "runs_ws_obj_started"],
      ],
      [
        "direction and status",
        { direction: "inbound", status: "failed" },
        ["runs_ws_dir_started", "runs_ws_status_started"],
      ],
      [
        "everything",
        { direction: "inbound", objectType: "contact", status: "completed", from: "2026-11-01", to: "2026-11-30" },
        ["runs_ws_dir_started", "runs_ws_obj_started", "runs_ws_status_started"],
      ],
    ];
    for (const [name, query, indexes] of cases) {
      it.each([
        ["first page", null],
        ["later page", RUN_CURSOR],
      ] as const)(`${name}: %s`, async (_page, cursor) => {
        const lines = await plan(listRunsQuery(db, WS, runFiltersFrom(query), cursor, 51));
        expectIndexed(lines, "runs", indexes);
        if (query.from) expect(lines.join("\n")).toContain("started_at>?");
        if (cursor || query.to) expect(lines.join("\n")).toContain("(started_at,id)<(?,?)");
      });
    }

    it("GET /sync/runs/{id}: the primary key", async () => {
      expectIndexed(await plan(runByIdQuery(db, WS, "run_x")), "runs", ["sqlite_autoindex_runs_1"]);
    });

    it("GET /sync/runs/{id} and POST …/retry: the run's newest retry, from the run's start on only", async () => {
      const original = { id: "run_x", workspaceId: WS, objectType: "contact", startedAt: "2026-11-28T10:00:00.000Z" };
      const lines = await plan(latestRetryQuery(db, original));
      expectIndexed(lines, "runs", ["runs_ws_obj_started", "runs_ws_started"]);
      expect(lines.join("\n")).toContain("started_at>?");
    });
  });

  describe(`${label}: GET /sync/runs/{id}/records, records.csv and retries`, () => {
    // Skipped and failed records (the status tabs, retries, reasons) keep a row each: the partial index.
    it.each([
      ["failed", null],
      ["skipped", [120, 4567]],
    ] as const)("status %s, cursor %j → run_records_run_status_seq", async (status, cursor) => {
      const lines = await plan(recordRowsQuery(db, WS, "run_x", { status }, cursor, 1001));
      expectIndexed(lines, "run_records", ["run_records_run_status_seq"]);
      if (cursor) expect(lines.join("\n")).toContain("seq>?");
    });

    // Rows a Worker before 0011 wrote (in no page) are read beside the pages: their own partial index.
    it.each([
      [undefined, null],
      ["success", [120, 4567]],
    ] as const)("rows in no page, status %s, cursor %j → run_records_run_legacy_seq", async (status, cursor) => {
      const lines = await plan(recordRowsQuery(db, WS, "run_x", { legacy: true, status }, cursor, 1001));
      expectIndexed(lines, "run_records", ["run_records_run_legacy_seq"]);
    });

    // The whole list and the successes: a run's pages by primary key, from the cursor's page on.
    it.each([
      ["first page", null, false],
      ["the page holding a cursor", { holding: 120 }, false],
      ["successes after a page", { after: 500 }, true],
    ] as const)("pages: %s → run_pages' primary key, no sort", async (_name, start, successes) => {
      const lines = await plan(runPagesQuery(db, WS, "run_x", start, successes, 2));
      expectIndexed(lines, "run_pages", ["PRIMARY KEY"]);
      expect(lines.join("\n")).toContain("workspace_id=? AND run_id=?");
      if (start) expect(lines.join("\n")).toMatch(/first_seq>/);
    });
  });

  describe(`${label}: GET /sync/records (record history)`, () => {
    it.each([
      [{ salesforceId: "0035g00000XyZaBAAV" }, "run_records_ws_sfid"],
      [{ email: "ada@example.com" }, "run_records_ws_email"],
    ] as const)("%j: rows kept → %s, newest first", async (by, index) => {
      for (const before of [null, "2026-11-28T10:00:00.000Z"]) {
        const lines = await plan(historyRowsQuery(db, WS, by, before, 71));
        expectIndexed(lines, "run_records", [index]);
        if (before) expect(lines.join("\n")).toContain("created_at<?");
      }
    });

    it("the Conversion records holding refs: by email the contacts' unique index, by Salesforce id each table's", async () => {
      expectIndexed(await plan(historyHoldersQuery(db, WS, { email: "ada@example.com" })), "contacts", [
        "contacts_ws_email",
      ]);
      const lines = await plan(historyHoldersQuery(db, WS, { salesforceId: "0035g00000XyZaBAAV" }));
      for (const [table, index] of [
        ["contacts", "contacts_ws_sfid"],
        ["companies", "companies_ws_sfid"],
        ["opportunities", "opportunities_ws_sfid"],
        ["opportunity_contact_roles", "ocr_ws_sfid"],
        ["events", "events_ws_sfid"],
      ] as const)
        expectIndexed(lines, table, [index]);
    });

    it("the records refs name: one page row each, by its whole primary key, the refs the outer loop", async () => {
      const lines = await plan(refRecordsQuery(db, WS, [{ runId: "run_x", firstSeq: 500, slot: 3 }]));
      expectIndexed(lines, "p", ["PRIMARY KEY"]);
      // The workspace alone is a prefix of the key too: seeking by it read every page of the workspace
      // for each ref (record history by email 9× slower at 1,000,000 run records than at 1,000).
      expect(lines.join("\n")).toContain("(workspace_id=? AND run_id=? AND first_seq=?)");
      expect(lines.findIndex((l) => /^SCAN r\b/.test(l))).toBeLessThan(lines.findIndex((l) => /^SEARCH p\b/.test(l)));
    });

    it("the runs the entries belong to: by id, not every run of the workspace", async () => {
      const lines = await plan(runsOfQuery(db, WS, ["run_x", "run_y"]));
      expectIndexed(lines, "runs", ["sqlite_autoindex_runs_1"]);
      expect(lines.join("\n")).toContain("(id=?)");
    });
  });

  describe(`${label}: GET /contacts`, () => {
    it("time-ordered ids walk the primary key, ids from before 0014 the partial contacts_ws_created, a filter its unique index", async () => {
      const { db: counted, counter } = countingD1(env.DB);
      const list = (cursor?: string, filters?: SQL[]) =>
        listNewestFirst(dbOver(counted), contacts, "contacts", {
          workspaceId: WS,
          limit: 50,
          cursor,
          filters,
          oldRows: TIME_ORDERED_OLD_ROW.contacts,
        });
      await list();
      await list(encodeCursor("contacts", ["2026-11-28T10:00:00.000Z", "ct__0mhxxxxxxAbCdEfGhIjKl"]));
      await list(encodeCursor("contacts", ["2026-11-28T10:00:00.000Z", "ct_AbCdEfGhIjKlMnOp"]));
      expect(counter.seen).toHaveLength(6);
      for (const [i, statement] of counter.seen.entries())
        expectIndexed(await plan(statement), "contacts", [i % 2 === 0 ? "PRIMARY KEY" : "contacts_ws_created"]);
      counter.seen.length = 0;
      await list(undefined, [eq(contacts.email, "ada@example.com")]);
      await list(undefined, [eq(contacts.salesforceId, "00Q5g00000AbCdEAAA")]);
      expect(counter.seen).toHaveLength(2);
      // At most one row (unique), so its sort is of one row.
      expectIndexed(await plan(counter.seen[0]!), "contacts", ["contacts_ws_email"], true);
      expectIndexed(await plan(counter.seen[1]!), "contacts", ["contacts_ws_sfid"], true);
    });
  });

  describe(`${label}: GET /sync/health`, () => {
    const since = "2026-11-28T10:00:00.000Z";

    it("last runs per direction take the newest entry of runs_ws_dir_started", async () => {
      expectIndexed(await plan(listRunsQuery(db, WS, { direction: "inbound" }, null, 1)), "runs", [
        "runs_ws_dir_started",
      ]);
    });

    it("the 24-hour totals seek the time range of runs_ws_started", async () => {
      const lines = await plan(last24hQuery(db, WS, since));
      expectIndexed(lines, "runs", ["runs_ws_started"]);
      expect(lines.join("\n")).toContain("started_at>?");
    });

    it("top reasons read each of the window's runs once, and records only of runs with no reasons stored", async () => {
      // Grouping and ranking the handful of (direction, status, reason) groups needs a sort; reading does not.
      const lines = await plan(topReasonsQuery(db, WS, since));
      expect(lines[0]).toMatch(
        /^SEARCH runs USING INDEX runs_ws_dir_started \(workspace_id=\? AND direction=\? AND started_at>\?\)$/,
      );
      expectIndexed(lines, "runs", ["runs_ws_dir_started"], true);
      // A closed run's stored reasons, unpacked per run: never joined to records.
      expect(lines).toContain("SCAN reason VIRTUAL TABLE INDEX 1:");
      // The live count is a subquery per run (COALESCE evaluates it only where nothing is stored),
      // seeking that run's skipped/failed records.
      const live = lines.slice(lines.findIndex((l) => l.startsWith("CORRELATED SCALAR SUBQUERY")));
      expect(live.length, lines.join("\n")).toBeGreaterThan(1);
      expectIndexed(live, "run_records", ["run_records_run_status_seq"], true);
      // The partial index holds only skipped and failed records: seeking the run is seeking them.
      expect(live.find((l) => l.includes("run_records"))).toContain("run_records_run_status_seq (run_id=?)");
    });

    it("GET /sync/totals: the seven days' runs, one range of runs_ws_started, grouped by quarter hour", async () => {
      // Grouping the window's runs into at most 7 × 96 quarters needs a sort; reading them does not.
      const lines = await plan(quarterTotalsQuery(db, WS, since));
      expect(lines[0]).toMatch(/^SEARCH runs USING INDEX runs_ws_started \(workspace_id=\? AND started_at>\?\)$/);
      expectIndexed(lines, "runs", ["runs_ws_started"], true);
    });

    it("the connection is one primary-key lookup", async () => {
      expectIndexed(await plan(connectionQuery(db, WS)), "connections", ["sqlite_autoindex_connections_1"]);
    });
  });

  // Without run_records_run_counts (dropped in 0003): the statements it served still seek one run's records.
  describe(`${label}: run bookkeeping`, () => {
    it("recountRun: the five counts from one run's pages (and rows in no page), reasons from its skipped/failed rows", async () => {
      const lines = await plan(recountRun(db, RUN));
      // Reasons are grouped in a small sort of the run's skipped/failed records.
      expectIndexed(lines, "runs", ["sqlite_autoindex_runs_1"], true);
      expectIndexed(lines, "run_pages", ["PRIMARY KEY"], true);
      expectIndexed(lines, "run_records", ["run_records_run_status_seq", "run_records_run_legacy_seq"], true);
      const seeks = lines.filter((l) => l.includes("run_records"));
      expect(seeks.map((l) => l.replace(/ USING (?:COVERING )?INDEX \S+/, ""))).toEqual([
        "SEARCH run_records (run_id=? AND seq>?)",
        "SEARCH run_records (run_id=?)",
      ]);
      expect(seeks[0]).toContain("run_records_run_legacy_seq");
      expect(seeks[1]).toContain("run_records_run_status_seq");
    });

    it("saveRunProgress: one page's records by seq, or all of the run's", async () => {
      const page = await plan(saveRunProgress(db, RUN, {}, 2000));
      expectIndexed(page, "runs", ["sqlite_autoindex_runs_1"]);
      expectIndexed(page, "run_pages", ["PRIMARY KEY"]);
      expectIndexed(page, "run_records", ["run_records_run_legacy_seq"]);
      expect(page.join("\n")).toContain("first_seq>?");
      const whole = await plan(saveRunProgress(db, RUN, {}));
      expectIndexed(whole, "run_pages", ["PRIMARY KEY"]);
      expectIndexed(whole, "run_records", ["run_records_run_legacy_seq"]);
    });
  });
}

planSuite("without statistics");

// D1 may gather statistics (PRAGMA optimize); with realistic skew the planner must still pick a listed index.
describe("with ANALYZE statistics", () => {
  beforeAll(async () => {
    await env.DB.batch([
      env.DB.prepare(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 3000)
        INSERT INTO runs (id, workspace_id, direction, object_type, salesforce_object, kind, status, started_at, heartbeat_at, skipped, failed)
        SELECT 'srun_' || i, CASE WHEN i % 4 = 0 THEN 'ws_other' ELSE ? END, CASE WHEN i % 10 < 7 THEN 'inbound' ELSE 'outbound' END,
          CASE i % 5 WHEN 0 THEN 'contact' WHEN 1 THEN 'company' WHEN 2 THEN 'opportunity' WHEN 3 THEN 'event' ELSE 'contact' END,
          'Lead', 'incremental', CASE WHEN i % 50 = 0 THEN 'failed' WHEN i = 3000 THEN 'in_progress' ELSE 'completed' END,
          strftime('%Y-%m-%dT%H:%M:%fZ', '2026-10-01', '+' || (i * 5) || ' minutes'), '2026-10-01T00:00:00.000Z', i % 7, i % 3
        FROM s`).bind(WS),
      env.DB.prepare(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 30000)
        INSERT INTO run_records (id, workspace_id, run_id, record_key, seq, salesforce_id, salesforce_object, label, email, action, status, reason_code, created_at)
        SELECT 'srec_' || i, ?, 'srun_' || (i % 3000 + 1), 'k' || i, i, printf('0035g%010dAAA', i % 9000), 'Lead', 'x', 'p' || (i % 9000) || '@example.com',
          CASE WHEN i % 9 < 7 THEN 'updated' END, CASE WHEN i % 9 < 7 THEN 'success' WHEN i % 9 = 7 THEN 'skipped' ELSE 'failed' END,
          CASE WHEN i % 9 = 7 THEN 'missing_email' WHEN i % 9 = 8 THEN 'unknown_error' END,
          strftime('%Y-%m-%dT%H:%M:%fZ', '2026-10-01', '+' || (i / 2) || ' minutes')
        FROM s`).bind(WS),
    ]);
    await env.DB.prepare("ANALYZE").run();
    const stats = await env.DB.prepare(
      "SELECT count(*) AS n FROM sqlite_stat1 WHERE tbl IN ('runs', 'run_records')",
    ).first<{ n: number }>();
    expect(stats?.n).toBeGreaterThan(5);
  });
  afterAll(async () => {
    await env.DB.prepare("DELETE FROM sqlite_stat1").run();
  });

  planSuite("with statistics");
});
