// Bench helper Worker: runs beside the app in the same workerd, bound to the same D1 database, so
// that the raw-limit writes and the set-based seeding run where the engine's own statements run
// (not through Node's binding proxy). Not part of the product.
interface Env {
  DB: D1Database;
}

const PAGE = 2_000;

/** INSERT … SELECT FROM json_each(?): one statement per page, the best set-based form D1 offers. */
function insertFromJson(table: string, columns: string[]): string {
  return `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${columns.map((c) => `j.value ->> '$.${c}'`).join(", ")} FROM json_each(?) AS j`;
}

/**
 * One page of a workspace's rows of `table`, to carry to another database: run_records in rowid order,
 * contacts (WITHOUT ROWID since 0014) in id order, run_pages in (run_id, first_seq) order; `after` is
 * the cursor the previous page returned.
 */
async function exportPage(
  env: Env,
  body: { table: string; workspaceId: string; after: number | string | null; size?: number },
) {
  const size = body.size ?? PAGE;
  if (body.table === "run_records") {
    const { results } = await env.DB.prepare(
      `SELECT rowid AS _rowid, * FROM run_records WHERE workspace_id = ? AND rowid > ? ORDER BY rowid LIMIT ?`,
    )
      .bind(body.workspaceId, body.after ?? 0, size)
      .all<Record<string, unknown>>();
    const after = results.length ? (results[results.length - 1]!._rowid as number) : body.after;
    for (const r of results) delete r._rowid;
    return { rows: results, after };
  }
  if (body.table === "contacts") {
    const { results } = await env.DB.prepare(
      `SELECT * FROM contacts WHERE workspace_id = ? AND id > ? ORDER BY id LIMIT ?`,
    )
      .bind(body.workspaceId, body.after ?? "", size)
      .all<Record<string, unknown>>();
    return { rows: results, after: results.length ? (results[results.length - 1]!.id as string) : body.after };
  }
  if (body.table === "run_pages") {
    // The cursor is "run_id first_seq" (a run id holds no space).
    const [runId, firstSeq] = typeof body.after === "string" ? body.after.split(" ") : ["", "-1"];
    const { results } = await env.DB.prepare(
      `SELECT * FROM run_pages WHERE workspace_id = ? AND (run_id, first_seq) > (?, ?) ORDER BY run_id, first_seq LIMIT ?`,
    )
      .bind(body.workspaceId, runId, Number(firstSeq), size)
      .all<Record<string, unknown>>();
    const last = results[results.length - 1];
    return { rows: results, after: last ? `${last.run_id} ${last.first_seq}` : body.after };
  }
  throw new Error(`not exportable: ${body.table}`);
}

/** The columns a page of exported rows carries (every column of its table, as the engine left them). */
function columnsOf(rows: Record<string, unknown>[]): string[] {
  return rows.length ? Object.keys(rows[0]!) : [];
}

async function timedBatch(env: Env, stmts: D1PreparedStatement[]) {
  if (!stmts.length) return { ms: 0, statements: 0, rowsWritten: 0 };
  const start = Date.now();
  const results = await env.DB.batch(stmts);
  const ms = Date.now() - start;
  return { ms, statements: stmts.length, rowsWritten: results.reduce((a, r) => a + (r.meta.rows_written ?? 0), 0) };
}

/**
 * The raw limit, one page: 2,000 of the engine's contact rows, its run_pages rows and its run_records
 * rows (records that keep one) written with plain set-based inserts (INSERT … SELECT FROM json_each(?)),
 * in one D1 batch as the engine commits a page, into the engine's own schema. Only the batch is timed;
 * the JSON is built before the clock starts.
 */
async function rawPage(
  env: Env,
  body: { contacts: Record<string, unknown>[]; records: Record<string, unknown>[]; pages?: Record<string, unknown>[] },
) {
  const stmts: D1PreparedStatement[] = [];
  for (const [table, rows] of [
    ["contacts", body.contacts],
    ["run_pages", body.pages ?? []],
    ["run_records", body.records],
  ] as const)
    if (rows.length)
      stmts.push(
        env.DB.prepare(insertFromJson(table, columnsOf(rows as Record<string, unknown>[]))).bind(JSON.stringify(rows)),
      );
  return timedBatch(env, stmts);
}

/**
 * The lean ceiling's tables: the contacts table as the engine's schema declares it, with only its two
 * lookup indexes (Salesforce id, email; the table is its id's index), and one row per page for the
 * run's records. Made once per database, before any timing.
 */
async function leanSetup(env: Env) {
  const table = await env.DB.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'contacts'`).first<{
    sql: string;
  }>();
  const { results: indexes } = await env.DB.prepare(
    `SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contacts' AND name IN ('contacts_ws_sfid', 'contacts_ws_email')`,
  ).all<{ sql: string }>();
  if (!table || indexes.length !== 2) throw new Error("contacts or its lookup indexes not found");
  const statements = [
    table.sql.replace(/^CREATE TABLE [`"]?contacts[`"]?/i, "CREATE TABLE lean_contacts"),
    ...indexes.map((i) =>
      i.sql
        .replace(/[`"]?contacts_ws_(\w+)[`"]?/, "lean_contacts_ws_$1")
        .replace(/ON [`"]?contacts[`"]?/i, "ON lean_contacts"),
    ),
    `CREATE TABLE lean_pages (workspace_id text NOT NULL, run_id text NOT NULL, first_seq integer NOT NULL, records text NOT NULL,
       PRIMARY KEY (workspace_id, run_id, first_seq)) WITHOUT ROWID`,
  ];
  for (const s of statements) await env.DB.prepare(s).run();
  return { statements };
}

/**
 * The lean ceiling, one page: the page's contact rows into lean_contacts (only lookup indexes) and one
 * lean_pages row holding the page's run records (the engine's own packed records of those seqs), in
 * one D1 batch. Only the batch is timed.
 */
async function leanPage(
  env: Env,
  body: { contacts: Record<string, unknown>[]; workspaceId: string; runId: string; firstSeq: number; records: string },
) {
  const stmts: D1PreparedStatement[] = [];
  if (body.contacts.length)
    stmts.push(
      env.DB.prepare(insertFromJson("lean_contacts", columnsOf(body.contacts))).bind(JSON.stringify(body.contacts)),
    );
  stmts.push(
    env.DB.prepare(`INSERT INTO lean_pages (workspace_id, run_id, first_seq, records) VALUES (?, ?, ?, ?)`).bind(
      body.workspaceId,
      body.runId,
      body.firstSeq,
      body.records,
    ),
  );
  return timedBatch(env, stmts);
}

/**
 * Read-API history: `runs` runs of `perRun` records each, set-based (recursive CTEs, a few thousand
 * runs per statement), the way the engines leave them: counts on the run match its records.
 */
async function seedHistory(
  env: Env,
  body: { workspaceId: string; prefix: string; runs: number; perRun: number; startIso: string; stepMs: number },
) {
  const { workspaceId, runs, perRun } = body;
  // Run ids: `${prefix}%07d` (the prefix keeps two workspaces' runs apart).
  const runId = `?7 || printf('%07d', i)`;
  const start = Date.parse(body.startIso);
  const t0 = Date.now();
  const RUNS_PER_STATEMENT = Math.max(1, Math.floor(100_000 / perRun));
  let written = 0;
  // Every person has 5 records in a history of any size (200,000 people for 1,000,000 records, 200 for
  // 1,000), so record history answers the same number of records on every side of the read bench.
  const people = Math.min(200_000, Math.max(1, Math.floor((runs * perRun) / 5)));
  for (let first = 0; first < runs; first += RUNS_PER_STATEMENT) {
    const last = Math.min(runs, first + RUNS_PER_STATEMENT) - 1;
    // Runs: alternating directions and objects, every 25th failed, spread over time, newest last.
    await env.DB.prepare(
      `WITH RECURSIVE r(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM r WHERE i < ?2)
       INSERT INTO runs (id, workspace_id, direction, object_type, salesforce_object, kind, status, started_at, finished_at,
         duration_ms, created, updated, deleted, skipped, failed, failure_code, heartbeat_at, state)
       SELECT ${runId}, ?3, CASE WHEN i % 4 = 3 THEN 'outbound' ELSE 'inbound' END,
         CASE i % 3 WHEN 0 THEN 'contact' WHEN 1 THEN 'company' ELSE 'opportunity' END,
         CASE i % 3 WHEN 0 THEN 'Lead' WHEN 1 THEN 'Account' ELSE 'Opportunity' END,
         CASE WHEN i % 4 = 3 THEN 'push' ELSE 'incremental' END,
         CASE WHEN i % 25 = 0 THEN 'failed' ELSE 'completed' END,
         strftime('%Y-%m-%dT%H:%M:%fZ', (?4 + i * ?5) / 1000.0, 'unixepoch'),
         strftime('%Y-%m-%dT%H:%M:%fZ', (?4 + i * ?5 + 1500) / 1000.0, 'unixepoch'),
         1500, 0, 0, 0, 0, 0, CASE WHEN i % 25 = 0 THEN 'api_limit_exceeded' END,
         strftime('%Y-%m-%dT%H:%M:%fZ', (?4 + i * ?5) / 1000.0, 'unixepoch'), '{}'
       FROM r`,
    )
      .bind(first, last, workspaceId, start, body.stepMs, null, body.prefix)
      .run();
    // Records: ~80% created/updated, ~12% skipped with a reason, ~8% failed with a Salesforce error.
    await env.DB.prepare(
      `WITH RECURSIVE r(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM r WHERE i < ?2),
                      k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < ?3)
       INSERT INTO run_records (id, workspace_id, run_id, record_key, seq, salesforce_id, salesforce_object, conversion_id, label,
         email, action, status, reason_code, sf_status_code, sf_message, external_created_at, external_updated_at, changes, created_at)
       SELECT ${runId} || ':' || printf('00Q%012dAAA', i * ?3 + j), ?4, ${runId},
         printf('00Q%012dAAA', i * ?3 + j), j, printf('00Q%012dAAA', (i * ?3 + j) % ${people}), 'Lead',
         CASE WHEN (i + j) % 25 < 20 THEN printf('ct_%07d', (i * ?3 + j) % ${people}) END,
         printf('Person %d <person%d@example.com>', (i * ?3 + j) % ${people}, (i * ?3 + j) % ${people}),
         printf('person%d@example.com', (i * ?3 + j) % ${people}),
         CASE WHEN (i + j) % 25 < 20 THEN CASE WHEN j % 3 = 0 THEN 'created' ELSE 'updated' END END,
         CASE WHEN (i + j) % 25 < 20 THEN 'success' WHEN (i + j) % 25 < 23 THEN 'skipped' ELSE 'failed' END,
         CASE WHEN (i + j) % 25 BETWEEN 20 AND 22 THEN 'missing_email' WHEN (i + j) % 25 > 22 THEN 'validation_error' END,
         CASE WHEN (i + j) % 25 > 22 THEN 'FIELD_CUSTOM_VALIDATION_EXCEPTION' END,
         CASE WHEN (i + j) % 25 > 22 THEN 'Title is required' END,
         '2026-01-05T09:00:00.000Z', strftime('%Y-%m-%dT%H:%M:%fZ', (?5 + i * ?6) / 1000.0, 'unixepoch'),
         CASE WHEN (i + j) % 25 < 20 THEN '[{"field":"title","from":null,"to":"Engineer"}]' ELSE '[]' END,
         strftime('%Y-%m-%dT%H:%M:%fZ', (?5 + i * ?6 + j) / 1000.0, 'unixepoch')
       FROM r, k`,
    )
      .bind(first, last, perRun, workspaceId, start, body.stepMs, body.prefix)
      .run();
    written += (last - first + 1) * perRun;
  }
  // The people the records name (ct_%07d, by Salesforce id and email), so that moving the history into
  // pages (read-api.ts, with migration 0013's own statements) puts their history on them as refs.
  for (let first = 0; first < people; first += 100_000)
    await env.DB.prepare(
      `WITH RECURSIVE p(n) AS (SELECT ?1 UNION ALL SELECT n + 1 FROM p WHERE n < ?2)
       INSERT INTO contacts (id, workspace_id, salesforce_id, salesforce_object, email, last_name, created_at, updated_at)
       SELECT printf('ct_%07d', n), ?3, printf('00Q%012dAAA', n), 'Lead', printf('person%d@example.com', n), printf('Person %d', n),
         '2026-01-05T09:00:00.000Z', '2026-01-05T09:00:00.000Z'
       FROM p`,
    )
      .bind(first, Math.min(people, first + 100_000) - 1, workspaceId)
      .run();
  // Counts from records, as the engines derive them.
  await env.DB.prepare(
    `UPDATE runs SET (created, updated, deleted, skipped, failed) = (
       SELECT coalesce(sum(status = 'success' AND action = 'created'), 0), coalesce(sum(status = 'success' AND action = 'updated'), 0),
              coalesce(sum(status = 'success' AND action = 'deleted'), 0), coalesce(sum(status = 'skipped'), 0), coalesce(sum(status = 'failed'), 0)
       FROM run_records WHERE run_id = runs.id)
     WHERE workspace_id = ?`,
  )
    .bind(workspaceId)
    .run();
  return { runs, records: written, ms: Date.now() - t0 };
}

/** EXPLAIN QUERY PLAN and timing of an arbitrary statement, inside workerd. */
async function explain(env: Env, body: { sql: string; params?: unknown[]; repeat?: number }) {
  const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${body.sql}`)
    .bind(...(body.params ?? []))
    .all<{ detail: string }>();
  const times: number[] = [];
  let meta: unknown = null;
  for (let i = 0; i < (body.repeat ?? 0); i++) {
    const t = Date.now();
    const res = await env.DB.prepare(body.sql)
      .bind(...(body.params ?? []))
      .all();
    times.push(Date.now() - t);
    meta = res.meta;
  }
  return { plan: plan.results.map((r) => r.detail), times, meta };
}

/** Arbitrary statements (schema experiments on a throwaway database). */
async function exec(env: Env, body: { statements: string[] }) {
  for (const s of body.statements) await env.DB.prepare(s).run();
  return { ok: true };
}

export default {
  async fetch(request: Request, env: Env) {
    const url = new URL(request.url);
    const body = request.method === "POST" ? ((await request.json()) as never) : ({} as never);
    try {
      switch (url.pathname) {
        case "/export":
          return Response.json(await exportPage(env, body));
        case "/raw-page":
          return Response.json(await rawPage(env, body));
        case "/lean-setup":
          return Response.json(await leanSetup(env));
        case "/lean-page":
          return Response.json(await leanPage(env, body));
        case "/seed-history":
          return Response.json(await seedHistory(env, body));
        case "/explain":
          return Response.json(await explain(env, body));
        case "/exec":
          return Response.json(await exec(env, body));
        case "/ping":
          return Response.json({ ok: true });
        case "/indexes": {
          // Every B-tree a row of these tables lands in: the table itself and each index (automatic ones included).
          const tables = (body as { tables: string[] }).tables;
          const out: Record<string, string[]> = {};
          for (const t of tables) {
            const { results } = await env.DB.prepare(`SELECT name, partial FROM pragma_index_list(?)`)
              .bind(t)
              .all<{ name: string; partial: number }>();
            out[t] = results.map((r) => (r.partial ? `${r.name} (partial)` : r.name));
          }
          return Response.json(out);
        }
      }
      return new Response("not found", { status: 404 });
    } catch (err) {
      return new Response(err instanceof Error ? `${err.message}\n${err.stack}` : String(err), { status: 500 });
    }
  },
};
