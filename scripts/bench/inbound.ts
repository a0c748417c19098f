// Inbound backfill end to end (Sync now → planner → queue → consumer → D1) against the fake org,
// and, in the same app and the same D1 database right after it, the raw limit: the same rows
// written again with the best set-based statements.
import { type App, appCpu, helper, startApp } from "./app.ts";
import {
  api,
  clearFakeCalls,
  type FakeCall,
  fake,
  fakeCalls,
  type Invocation,
  invocations,
  newConnectedWorkspace,
  onlyObjects,
  resetOrg,
} from "./drive.ts";
import { cpuSeconds } from "./proc.ts";
import { median, sleep, sum } from "./stats.ts";

export interface BatchCost {
  label: string;
  records: number;
  wallMs: number;
  d1WaitMs: number;
  fetchWaitMs: number;
  /** wall − D1 wait − fetch wait: the Worker's own JavaScript (workerd's clock advances while JS runs). */
  jsMs: number;
  /** utime+stime of the app's workerd during the invocation (JS + D1's SQLite + queues). */
  processCpuMs: number;
  statements: number;
  d1RowsWritten: number;
  d1RowsRead: number;
  salesforceCalls: number;
}

export interface InboundResult {
  n: number;
  wallMs: number;
  recordsPerSec: number;
  processCpuS: number;
  fakeCpuS: number;
  batches: BatchCost[];
  salesforceCalls: number;
  tableRows: { contacts: number; runRecords: number };
  d1RowsWritten: number;
  runs: { status: string; created: number; fetched: number }[];
  raw: WriteLimit | null;
  /** The lean ceiling (issue 15): the same contacts with only their lookup indexes plus one row per page. */
  lean: WriteLimit | null;
  /** The indexes a contact and a run record are written into (each entry is a D1 "row written"). */
  indexes: Record<string, string[]>;
  /** A page's contact lookup, run against the workspace the backfill left (n contacts). */
  lookup: LookupCost[] | null;
}

export interface LookupCost {
  form: string;
  medianMs: number;
  rowsRead: number;
  plan: string;
}

/**
 * One page's lookup (2,000 Salesforce ids and 2,000 emails the workspace does not have yet, as in a
 * backfill) against the n contacts the backfill wrote: the committed engine's SQL (captured from
 * preparePage), and the form it had before ecba0e0 (one OR under the workspace filter).
 */
export async function lookupCosts(app: App, workspaceId: string, committedSql: string): Promise<LookupCost[]> {
  const ids = JSON.stringify(Array.from({ length: 2000 }, (_, i) => `00Qzz${String(i).padStart(10, "0")}AAA`));
  const emails = JSON.stringify(Array.from({ length: 2000 }, (_, i) => `not.yet.${i}@example.org`));
  const before = `SELECT * FROM contacts WHERE workspace_id = ?1 AND (salesforce_id IN (SELECT value FROM json_each(?2)) OR email IN (SELECT value FROM json_each(?3)))`;
  // The captured SQL binds the workspace once per branch, (ws, ids, ws, emails), and since contacts are
  // keyed (workspace_id, id) once more before them: (ws, ws, ids, ws, emails).
  const count = (committedSql.match(/\?/g) ?? []).length;
  const params =
    count === 5
      ? [workspaceId, workspaceId, ids, workspaceId, emails]
      : count === 4
        ? [workspaceId, ids, workspaceId, emails]
        : [workspaceId, ids, emails];
  const out: LookupCost[] = [];
  const forms: [string, string, unknown[]][] = [
    ["committed (since ecba0e0; by id since 0014): IN (indexed branch UNION ALL indexed branch)", committedSql, params],
    ["before ecba0e0: workspace_id = ? AND (salesforce_id IN … OR email IN …)", before, [workspaceId, ids, emails]],
  ];
  for (const [form, sql, bound] of forms) {
    const e = await helper<{ plan: string[]; times: number[]; meta: { rows_read?: number } }>(app, "/explain", {
      sql,
      params: bound,
      repeat: 12,
    });
    out.push({ form, medianMs: median(e.times.slice(2)), rowsRead: e.meta.rows_read ?? 0, plan: e.plan.join("; ") });
  }
  return out;
}

interface CpuSample {
  t: number;
  cpu: number;
}

function cpuAt(samples: CpuSample[], t: number): number {
  if (!samples.length) return Number.NaN;
  if (t <= samples[0]!.t) return samples[0]!.cpu;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (t <= b.t) return a.cpu + ((b.cpu - a.cpu) * (t - a.t)) / Math.max(1, b.t - a.t);
  }
  return samples[samples.length - 1]!.cpu;
}

/** Waits for the workspace to settle, sampling the app's CPU time meanwhile. */
async function settleSampling(app: App, workspaceId: string, samples: CpuSample[], timeoutMs = 1_800_000) {
  const deadline = Date.now() + timeoutMs;
  const stmt = app.db.prepare(
    `SELECT (SELECT count(*) FROM sync_state WHERE workspace_id = ?1 AND lease_owner IS NOT NULL)
          + (SELECT count(*) FROM runs WHERE workspace_id = ?1 AND status = 'in_progress') AS n`,
  );
  for (;;) {
    samples.push({ t: Date.now(), cpu: appCpu(app) });
    const busy = await stmt.bind(workspaceId).first<{ n: number }>();
    if (busy?.n === 0) return;
    if (Date.now() > deadline) throw new Error(`inbound did not settle in ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Query/queryMore calls, split into batches at each fresh `query`. */
function callsPerBatch(calls: FakeCall[]): number[] {
  const out: number[] = [];
  for (const c of calls) {
    if (c.kind === "query" || c.kind === "queryAll") out.push(1);
    else if (c.kind === "queryMore" && out.length) out[out.length - 1]!++;
  }
  return out;
}

/**
 * One backfill of `n` Leads into a fresh workspace of `app` (only Lead enabled, no data defects:
 * every record is a create, the most expensive path), then the raw copy of its rows.
 */
export async function inboundBackfill(
  app: App,
  n: number,
  opts: { raw?: boolean; lean?: boolean; salesforceLatencyMs?: number; lookupSql?: string },
): Promise<InboundResult> {
  await resetOrg(app, { Lead: n });
  const ws = await newConnectedWorkspace(app, `bench ${n}`, onlyObjects("Lead"));
  // Only for weighing a proposal against Salesforce's own latency; the benchmark's figures add none.
  if (opts.salesforceLatencyMs) await fake(app, "POST", "/__fake/faults", { latencyMs: opts.salesforceLatencyMs });
  await clearFakeCalls(app);
  await invocations(app, true);
  const samples: CpuSample[] = [];
  const fake0 = cpuSeconds(app.fakePid);
  const cpu0 = appCpu(app);
  const t0 = Date.now();
  await api(app, "/api/v1/sync/inbound", ws.apiKey, { method: "POST" });
  await settleSampling(app, ws.id, samples);
  const wallMs = Date.now() - t0;
  const processCpuS = appCpu(app) - cpu0;
  const fakeCpuS = cpuSeconds(app.fakePid) - fake0;

  const inv = (await invocations(app)).filter(
    // Backfill batches have their own queue (sync-backfill) since the two-queue split.
    (i) => (i.queue === "sync-inbound" || i.queue === "sync-backfill") && i.summary.startsWith("inbound_batch"),
  );
  const calls = (await fakeCalls(app)).filter((c) => c.kind.startsWith("query"));
  const perBatch = callsPerBatch(calls);
  const { results: runRows } = await app.db
    .prepare(
      `SELECT status, created, state FROM runs WHERE workspace_id = ? AND direction = 'inbound' ORDER BY started_at, id`,
    )
    .bind(ws.id)
    .all<{ status: string; created: number; state: string }>();
  const runs = runRows.map((r) => ({
    status: r.status,
    created: r.created,
    fetched: (JSON.parse(r.state) as { fetched?: number }).fetched ?? 0,
  }));
  const batches = inv.map((i: Invocation, k): BatchCost => {
    const cpu = (cpuAt(samples, i.startedAt + i.wallMs) - cpuAt(samples, i.startedAt)) * 1000;
    return {
      label: i.summary,
      // A batch that found nothing opens no run: it read 0 records.
      records: runs[k]?.fetched ?? 0,
      wallMs: i.wallMs,
      d1WaitMs: i.d1WaitMs,
      fetchWaitMs: i.fetchWaitMs,
      // An upper bound: with read-ahead the next Salesforce call is in flight while this page's
      // JavaScript runs, so fetch time cannot be told apart from JavaScript by intervals; it only
      // adds the part of Salesforce's answer time the read-ahead did not hide (~ms from the fake).
      jsMs: i.wallMs - i.d1WaitMs,
      processCpuMs: cpu,
      statements: i.statements,
      d1RowsWritten: i.rowsWritten,
      d1RowsRead: i.rowsRead,
      salesforceCalls: perBatch[k] ?? 0,
    };
  });
  const counts = await app.db
    .prepare(
      `SELECT (SELECT count(*) FROM contacts WHERE workspace_id = ?1) AS contacts, (SELECT count(*) FROM run_records WHERE workspace_id = ?1) AS runRecords`,
    )
    .bind(ws.id)
    .first<{ contacts: number; runRecords: number }>();
  const created = sum(runs.map((r) => r.created));
  if (created !== n) throw new Error(`backfill of ${n} created ${created} (runs: ${JSON.stringify(runs)})`);

  // The raw limit's and the lean ceiling's apps start only now, after the timed backfill: started
  // before it, an idle second workerd sat beside the variant that has them (the committed engine).
  const rawApp = opts.raw ? await startApp() : undefined;
  const leanApp = opts.lean ? await startApp() : undefined;
  const { raw, lean } = await carryRows(app, ws.id, { raw: rawApp, lean: leanApp }).finally(async () => {
    await leanApp?.stop();
    await rawApp?.stop();
  });
  const indexes = await helper<Record<string, string[]>>(app, "/indexes", { tables: ["contacts", "run_records"] });
  const lookup = opts.lookupSql ? await lookupCosts(app, ws.id, opts.lookupSql) : null;
  return {
    n,
    wallMs,
    recordsPerSec: (n / wallMs) * 1000,
    processCpuS,
    fakeCpuS,
    batches,
    salesforceCalls: calls.length,
    tableRows: counts ?? { contacts: 0, runRecords: 0 },
    d1RowsWritten: sum(inv.map((i) => i.rowsWritten)),
    runs,
    raw,
    lean,
    indexes,
    lookup,
  };
}

export interface WriteLimit {
  writeMs: number;
  recordsPerSec: number;
  d1RowsWritten: number;
  statements: number;
  batches: number;
}

/**
 * The engine's rows (contacts, run_pages, run_records of the workspace) carried page by page — 2,000
 * contacts and the run pages of their 2,000 records — to second, empty databases (the state the engine
 * started from), written there one D1 batch a page, as the engine commits a page, and only those batches
 * timed (inside workerd):
 *  - `raw` (the raw limit): the same rows into the engine's own schema, plain INSERT … SELECT FROM json_each(?);
 *  - `lean` (the lean ceiling, issue 15): the contact rows into a copy of contacts with only its lookup
 *    indexes (Salesforce id, email; the table is its id's index) plus ONE row per 2,000-record page holding
 *    that page's records (the engine's own packed records, its run_pages rows joined).
 */
async function carryRows(
  from: App,
  workspaceId: string,
  to: { raw?: App; lean?: App },
): Promise<{ raw: WriteLimit | null; lean: WriteLimit | null }> {
  type Page = { rows: Record<string, unknown>[]; after: number | string | null };
  const tally = () => ({ writeMs: 0, recordsPerSec: 0, d1RowsWritten: 0, statements: 0, batches: 0 });
  const raw = to.raw ? tally() : null;
  const lean = to.lean ? tally() : null;
  if (!raw && !lean) return { raw, lean };
  if (to.lean) await helper(to.lean, "/lean-setup", {});
  let afterC: Page["after"] = null;
  let afterR: Page["after"] = null;
  let afterP: Page["after"] = null;
  let contacts = 0;
  for (;;) {
    const c: Page = await helper<Page>(from, "/export", { table: "contacts", workspaceId, after: afterC });
    const r: Page = await helper<Page>(from, "/export", { table: "run_records", workspaceId, after: afterR });
    // 500 records a run_pages row: 4 rows are a 2,000-record page.
    const p: Page = await helper<Page>(from, "/export", { table: "run_pages", workspaceId, after: afterP, size: 4 });
    if (!c.rows.length && !r.rows.length && !p.rows.length) break;
    afterC = c.after;
    afterR = r.after;
    afterP = p.after;
    contacts += c.rows.length;
    const add = (t: WriteLimit, w: { ms: number; statements: number; rowsWritten: number }) => {
      t.writeMs += w.ms;
      t.statements += w.statements;
      t.d1RowsWritten += w.rowsWritten;
      t.batches++;
    };
    if (to.raw && raw)
      add(raw, await helper(to.raw, "/raw-page", { contacts: c.rows, records: r.rows, pages: p.rows }));
    if (to.lean && lean && p.rows.length) {
      const records = `[${p.rows
        .map((x) => String(x.records).slice(1, -1))
        .filter(Boolean)
        .join(",")}]`;
      add(
        lean,
        await helper(to.lean, "/lean-page", {
          contacts: c.rows,
          workspaceId,
          runId: p.rows[0]!.run_id,
          firstSeq: p.rows[0]!.first_seq,
          records,
        }),
      );
    }
  }
  for (const t of [raw, lean]) if (t) t.recordsPerSec = (contacts / t.writeMs) * 1000;
  return { raw, lean };
}

/** Fresh apps (fresh D1) per backfill, so every size and the raw limit start from an empty database. */
export async function inboundFresh(
  n: number,
  opts: { raw: boolean; lean?: boolean; lookupSql?: string },
): Promise<InboundResult> {
  const app = await startApp();
  try {
    return await inboundBackfill(app, n, opts);
  } finally {
    await app.stop();
  }
}
