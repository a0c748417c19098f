import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionQuery, last24hQuery, topReasonsQuery } from "../../worker/api/health/health.queries";
import { runFiltersFrom } from "../../worker/api/runs/params";
import { listRecordsQuery, listRunsQuery, recordHistoryQuery, runByIdQuery } from "../../worker/api/runs/runs.queries";
import { quarterTotalsQuery } from "../../worker/api/totals/totals.queries";
import { getDb } from "../../worker/db";
import { latestRetryQuery } from "../../worker/sync/retry/latest";
import { recountRun, saveRunProgress } from "../../worker/sync/runs";
import { env } from "./helpers";
import { expectIndexed, plan } from "./plans";

// EXPLAIN QUERY PLAN on the very SQL the read handlers send (same builders, `.toSQL()`): every list
// walks an index in its ORDER BY order — no table scan, no sort — whatever filters are combined.

const db = getDb(env);
const WS = "ws_plan";

const RUN_CURSOR = ["2026-11-28T10:00:00.000Z", "run_x"] as const;

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

  describe(`${label}: GET /sync/runs/{id}/records and records.csv`, () => {
    it.each([
      [undefined, null, "run_records_run_seq"],
      [undefined, [120, 4567], "run_records_run_seq"],
      ["failed", null, "run_records_run_status_seq"],
      ["skipped", [120, 4567], "run_records_run_status_seq"],
      // Successes have no entry in the partial index: they page through run_seq, most records matching.
      ["success", null, "run_records_run_seq"],
    ] as const)("status %s, cursor %j → %s", async (status, cursor, index) => {
      const lines = await plan(listRecordsQuery(db, WS, "run_x", status, cursor, 1001));
      expectIndexed(lines, "run_records", [index]);
      if (cursor) expect(lines.join("\n")).toContain("seq>?");
    });
  });

  describe(`${label}: GET /sync/records (record history)`, () => {
    it.each([
      [{ salesforceId: "0035g00000XyZaBAAV" }, "run_records_ws_sfid"],
      [{ email: "ada@example.com" }, "run_records_ws_email"],
    ] as const)("%j → %s, then each record's run by primary key", async (by, index) => {
      for (const cursor of [null, ["2026-11-28T10:00:00.000Z", 99] as const]) {
        const lines = await plan(recordHistoryQuery(db, WS, by, cursor, 51));
        expectIndexed(lines, "run_records", [index]);
        expectIndexed(lines, "runs", ["sqlite_autoindex_runs_1"]);
        if (cursor) expect(lines.join("\n")).toContain("created_at<?");
      }
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
    it("recountRun: the five counts and the reason counts from one run's records", async () => {
      const lines = await plan(recountRun(db, "run_x"));
      // Reasons are grouped in a small sort of the run's skipped/failed records.
      expectIndexed(lines, "runs", ["sqlite_autoindex_runs_1"], true);
      expectIndexed(
        lines,
        "run_records",
        ["run_records_run_status_seq", "run_records_run_seq", "run_records_run_key"],
        true,
      );
      const seeks = lines.filter((l) => l.includes("run_records"));
      expect(seeks.map((l) => l.replace(/ USING (?:COVERING )?INDEX \S+/, ""))).toEqual([
        "SEARCH run_records (run_id=?)",
        "SEARCH run_records (run_id=?)",
      ]);
      // The reasons: only the run's skipped and failed records, through the partial index.
      expect(seeks[1]).toContain("run_records_run_status_seq");
    });

    it("saveRunProgress: one page's records by seq, or all of the run's", async () => {
      const page = await plan(saveRunProgress(db, "run_x", {}, 2000));
      expectIndexed(page, "runs", ["sqlite_autoindex_runs_1"]);
      expectIndexed(page, "run_records", ["run_records_run_seq"]);
      expect(page.join("\n")).toContain("(run_id=? AND seq>?)");
      const whole = await plan(saveRunProgress(db, "run_x", {}));
      expectIndexed(whole, "run_records", ["run_records_run_status_seq", "run_records_run_seq", "run_records_run_key"]);
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
