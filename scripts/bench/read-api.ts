// Read API under history: a workspace with a small history and one with a large one (seeded
// set-based inside workerd), timed through HTTP: the runs list, one run's records page, health.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { type App, helper, ROOT } from "./app.ts";
import { api, newConnectedWorkspace, type Workspace } from "./drive.ts";
import { median, percentile } from "./stats.ts";

export const ENDPOINTS = ["runs list", "run records page", "record history", "health"] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export interface Timing {
  medianMs: number;
  p95Ms: number;
  requests: number;
}

export interface HistoryShape {
  runs: number;
  perRun: number;
  /** Time between two runs' starts: the same for both histories (a run every `stepMs`). */
  stepMs: number;
}

export interface ReadApiSide {
  label: string;
  shape: HistoryShape;
  records: number;
  seedMs: number;
  timings: Record<Endpoint, Timing>;
}

/**
 * A workspace whose history ends now: `runs` runs of `perRun` records, one every `stepMs`. Its
 * closed runs then get the reason counts their close would have stored (the seed writes rows
 * directly, past recountRun), so health takes the path it takes in production, not the live one.
 */
export async function seedWorkspace(
  app: App,
  name: string,
  prefix: string,
  shape: HistoryShape,
): Promise<{ ws: Workspace; seedMs: number; records: number }> {
  const ws = await newConnectedWorkspace(app, name);
  const startIso = new Date(Date.now() - shape.runs * shape.stepMs).toISOString();
  const seeded = await helper<{ records: number; ms: number }>(app, "/seed-history", {
    workspaceId: ws.id,
    prefix,
    runs: shape.runs,
    perRun: shape.perRun,
    startIso,
    stepMs: shape.stepMs,
  });
  const paging = performance.now();
  await helper(app, "/exec", { statements: pageHistoryStatements() });
  const pagedMs = performance.now() - paging;
  const q = await loadHealthQueries();
  const { sql, params } = q.storeClosedRunReasons(q.getDb({ DB: {} as D1Database }), ws.id).toSQL();
  const t = performance.now();
  // The helper's /explain binds parameters and runs the statement `repeat` times (/exec binds none).
  const stored = await helper<{ meta: { changes?: number } }>(app, "/explain", { sql, params, repeat: 1 });
  if (stored.meta.changes !== shape.runs)
    throw new Error(`reason counts stored on ${stored.meta.changes} of ${shape.runs} seeded runs`);
  return { ws, seedMs: seeded.ms + pagedMs + (performance.now() - t), records: seeded.records };
}

/**
 * The seeded rows into the storage the app reads (run_pages, history refs on the contacts, rows
 * kept only for skipped and failed records): migration 0013's own statements, from its layout
 * table to its clean-up, run again over rows in no page yet. So the history is what a migrated
 * database holds, and what the engines write since (same packing, same refs).
 */
function pageHistoryStatements(): string[] {
  const file = readFileSync(join(ROOT, "migrations/0013_run_pages.sql"), "utf8");
  const statements = file
    .split("--> statement-breakpoint")
    .map((s) => s.replace(/^\s*(--[^\n]*\n\s*)*/, "").trim())
    .filter(Boolean);
  const from = statements.findIndex((s) => s.startsWith("CREATE TABLE `__run_layout`"));
  const to = statements.findIndex((s) => s.startsWith("DROP TABLE `__run_layout`"));
  if (from < 0 || to < from) throw new Error("migrations/0013_run_pages.sql: its move statements were not found");
  const layout = "WHERE r.status != 'in_progress'";
  if (!statements[from]!.includes(layout)) throw new Error("0013's layout statement changed");
  statements[from] = statements[from]!.replace(layout, `${layout} AND rr.paged = 0`);
  return statements.slice(from, to + 1);
}

export interface Side {
  label: string;
  app: App;
  ws: Workspace;
  shape: HistoryShape;
  records: number;
  seedMs: number;
}

async function getOnce(app: App, path: string, apiKey: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET ${path} → ${res.status}`);
  return performance.now() - t;
}

/**
 * The three reads the page makes first (the records page is the newest run's, what Sync activity
 * opens), timed side by side: each round sends one request to every side, in rotating order, so
 * that the machine's drift hits all sides alike. Sequential requests, 5 warm-up rounds.
 */
export async function timeReadsSideBySide(sides: Side[], rounds: number): Promise<ReadApiSide[]> {
  const paths = await Promise.all(
    sides.map(async (s) => {
      const list = await api<{ runs: { id: string }[] }>(s.app, "/api/v1/sync/runs", s.ws.apiKey);
      const newest = list.runs[0]?.id;
      if (!newest) throw new Error(`no runs listed for ${s.label}`);
      return {
        "runs list": "/api/v1/sync/runs",
        "run records page": `/api/v1/sync/runs/${encodeURIComponent(newest)}/records`,
        // A person of the seed (helper-worker.ts): 5 records in a history of any size.
        "record history": "/api/v1/sync/records?email=person7%40example.com",
        health: "/api/v1/sync/health",
      } as Record<Endpoint, string>;
    }),
  );
  const times = sides.map(
    () => Object.fromEntries(ENDPOINTS.map((e) => [e, [] as number[]])) as Record<Endpoint, number[]>,
  );
  for (const e of ENDPOINTS) {
    for (let round = 0; round < rounds + 5; round++) {
      for (let j = 0; j < sides.length; j++) {
        const i = (round + j) % sides.length;
        const ms = await getOnce(sides[i]!.app, paths[i]![e], sides[i]!.ws.apiKey);
        if (round >= 5) times[i]![e].push(ms);
      }
    }
  }
  return sides.map((s, i) => ({
    label: s.label,
    shape: s.shape,
    records: s.records,
    seedMs: s.seedMs,
    timings: Object.fromEntries(
      ENDPOINTS.map((e) => [
        e,
        { medianMs: median(times[i]![e]), p95Ms: percentile(times[i]![e], 95), requests: rounds },
      ]),
    ) as Record<Endpoint, Timing>,
  }));
}

// ————— why health grows: its queries, explained and timed inside workerd —————

type HealthModule = typeof import("./health-entry.ts");
let healthModule: Promise<HealthModule> | null = null;

function loadHealthQueries(): Promise<HealthModule> {
  healthModule ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "conversion-health-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const res = await build({
      entryPoints: [join(ROOT, "scripts/bench/health-entry.ts")],
      bundle: true,
      format: "esm",
      platform: "node",
      write: false,
      logLevel: "silent",
    });
    writeFileSync(join(dir, "health.mjs"), res.outputFiles[0]!.text);
    return (await import(join(dir, "health.mjs"))) as HealthModule;
  })();
  return healthModule;
}

export interface QueryCost {
  query: string;
  medianMs: number;
  rowsRead: number;
  plan: string;
}

async function explainTimed(app: App, query: string, sql: string, params: unknown[]): Promise<QueryCost> {
  const e = await helper<{ plan: string[]; times: number[]; meta: { rows_read?: number } }>(app, "/explain", {
    sql,
    params,
    repeat: 20,
  });
  return { query, medianMs: median(e.times.slice(5)), rowsRead: e.meta.rows_read ?? 0, plan: e.plan.join("; ") };
}

/** The health handler's statements (the very SQL its builders produce), one by one. */
export async function healthQueries(app: App, ws: Workspace): Promise<QueryCost[]> {
  const q = await loadHealthQueries();
  const db = q.getDb({ DB: {} as D1Database });
  const since = new Date(Date.now() - 86_400_000).toISOString();
  const queries: [string, { toSQL(): { sql: string; params: unknown[] } }][] = [
    ["last inbound run", q.listRunsQuery(db, ws.id, { direction: "inbound" }, null, 1)],
    ["last outbound run", q.listRunsQuery(db, ws.id, { direction: "outbound" }, null, 1)],
    ["last 24 h totals", q.last24hQuery(db, ws.id, since)],
    ["top reasons", q.topReasonsQuery(db, ws.id, since)],
  ];
  const out: QueryCost[] = [];
  for (const [name, query] of queries) {
    const { sql, params } = query.toSQL();
    out.push(await explainTimed(app, name, sql, params));
  }
  return out;
}

/**
 * The other shape per-run reason counts could take (the one the findings first proposed): a table
 * of (run, status, reason, count) rows indexed by (workspace, started_at), summed over the window.
 * The app stores them on the run instead (runs.reason_counts, measured as "top reasons"); this is
 * kept beside it for comparison. Built here from the seeded records; nothing in the app reads it.
 */
export async function perRunReasonSummary(app: App, workspaces: Workspace[]): Promise<QueryCost[]> {
  await helper(app, "/exec", {
    statements: [
      `CREATE TABLE IF NOT EXISTS bench_run_reasons (run_id TEXT NOT NULL, workspace_id TEXT NOT NULL, direction TEXT NOT NULL, started_at TEXT NOT NULL,
         status TEXT NOT NULL, reason_code TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (run_id, status, reason_code))`,
      `CREATE INDEX IF NOT EXISTS bench_run_reasons_ws_started ON bench_run_reasons (workspace_id, started_at)`,
      `DELETE FROM bench_run_reasons`,
      `INSERT INTO bench_run_reasons SELECT r.id, r.workspace_id, r.direction, r.started_at, rr.status, rr.reason_code, count(*)
         FROM runs r JOIN run_records rr ON rr.run_id = r.id
         WHERE rr.status IN ('skipped', 'failed') AND rr.reason_code IS NOT NULL GROUP BY r.id, rr.status, rr.reason_code`,
    ],
  });
  const since = new Date(Date.now() - 86_400_000).toISOString();
  const sql = `SELECT direction, status, reason_code, sum(count) AS count FROM bench_run_reasons WHERE workspace_id = ? AND started_at >= ?
               GROUP BY direction, status, reason_code ORDER BY count DESC, reason_code ASC LIMIT 5`;
  const out: QueryCost[] = [];
  for (const ws of workspaces)
    out.push(await explainTimed(app, "top reasons from per-run counts", sql, [ws.id, since]));
  return out;
}
