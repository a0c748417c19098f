// Big orgs (issue 16), under the fake org's latency model: a large Lead backfill read as before (one
// REST query stream: INBOUND_BULK_THRESHOLD=off, INBOUND_SLICE_CONCURRENCY=1), through one Bulk API 2.0
// job (slices off), and as parallel SystemModstamp slices (the default), side by side in one run, each
// in an app of its own against a fresh fake org; then a change pushed from Salesforce through the push
// endpoint, timed until it is in D1.
import { loadavg } from "node:os";
import { type App, startApp } from "./app.ts";
import { api, clearFakeCalls, fake, fakeCalls, newConnectedWorkspace, onlyObjects, resetOrg, settle } from "./drive.ts";
import { sleep } from "./stats.ts";

export interface BackfillSide {
  label: string;
  n: number;
  wallS: number;
  recordsPerSec: number;
  /** Data API calls the org counted (the log's entries, OAuth and identity excluded). */
  calls: number;
  bulkJobs: number;
  queryPages: number;
  /** COUNT() queries (the slices' bounds), among the REST pages. */
  counts: number;
  bulkPolls: number;
  bulkSets: number;
  runs: number;
  created: number;
}

export interface BulkBenchResult {
  n: number;
  /** The machine's 1-minute load average when the backfills ended (other work on it slows both sides). */
  load: number[];
  rest: BackfillSide;
  bulk: BackfillSide;
  /** Parallel slices (the default engine). */
  sliced: BackfillSide;
  /** A second size of the default engine, for the cost growth the 2,000,000-Lead estimate extrapolates from. */
  slicedSmall: BackfillSide | null;
  /** Bulk at another revision (--bulk-baseline=REV), in the same run: what this revision changed. */
  bulkBefore: BackfillSide | null;
  baselineRev: string | null;
  push: { samples: number; p50Ms: number; p95Ms: number; maxMs: number };
}

/** settle(), where a read through Miniflare's proxy reset under load (ECONNRESET) is asked again. */
async function settled(app: App, workspaceId: string, timeoutMs = 3_600_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await settle(app, workspaceId, Math.max(1_000, deadline - Date.now()), 250);
    } catch (err) {
      if (Date.now() > deadline || String(err).includes("did not settle")) throw err;
      await sleep(250);
    }
  }
}

const NOT_API = new Set(["oauth_authorize", "oauth_token", "oauth_revoke", "identity"]);

async function backfill(label: string, n: number, vars: Record<string, string>, rev?: string): Promise<BackfillSide> {
  const app = await startApp({ vars, rev });
  try {
    await resetOrg(app, { Lead: n });
    const ws = await newConnectedWorkspace(app, `bulk bench ${label}`, onlyObjects("Lead"));
    await fake(app, "POST", "/__fake/faults", { latencyModel: true });
    await clearFakeCalls(app);
    const t0 = Date.now();
    await api(app, "/api/v1/sync/inbound", ws.apiKey, { method: "POST" });
    await settled(app, ws.id);
    const wallS = (Date.now() - t0) / 1000;
    const calls = (await fakeCalls(app)).filter((c) => !NOT_API.has(c.kind));
    const runs = await app.db
      .prepare("SELECT count(*) AS runs, coalesce(sum(created), 0) AS created FROM runs WHERE workspace_id = ?")
      .bind(ws.id)
      .first<{ runs: number; created: number }>();
    const of = (k: string) => calls.filter((c) => c.kind === k).length;
    return {
      label,
      n,
      wallS,
      recordsPerSec: n / wallS,
      calls: calls.length,
      bulkJobs: of("bulkCreate"),
      queryPages: of("query") + of("queryAll") + of("queryMore"),
      counts: calls.filter((c) => /COUNT\(\)/i.test((c as { query?: string }).query ?? "")).length,
      bulkPolls: of("bulkJob"),
      bulkSets: of("bulkResults"),
      runs: runs?.runs ?? 0,
      created: runs?.created ?? 0,
    };
  } finally {
    await app.stop();
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/** A Lead changed in Salesforce, pushed, until the contact in D1 has the change: `samples` times. */
async function pushLatency(samples: number) {
  const app = await startApp();
  try {
    await resetOrg(app, { Lead: 2_000 });
    const ws = await newConnectedWorkspace(app, "push bench", onlyObjects("Lead"));
    await api(app, "/api/v1/sync/inbound", ws.apiKey, { method: "POST" });
    await settled(app, ws.id);
    await fake(app, "POST", "/__fake/faults", { latencyModel: true });
    const { secret } = await api<{ secret: string }>(app, "/api/v1/settings/push/secret", ws.apiKey, {
      method: "POST",
    });
    const { results } = await app.db
      .prepare("SELECT salesforce_id FROM contacts WHERE workspace_id = ? LIMIT ?")
      .bind(ws.id, samples)
      .all<{ salesforce_id: string }>();
    const times: number[] = [];
    for (const [i, { salesforce_id: id }] of results.entries()) {
      const title = `Pushed ${i} ${Date.now()}`;
      await fake(app, "PATCH", "/__fake/records", { object: "Lead", records: [{ Id: id, Title: title }] });
      const t0 = Date.now();
      await api(app, `/api/v1/salesforce/push/${ws.id}`, secret, {
        method: "POST",
        body: JSON.stringify({ object: "Lead", ids: [id] }),
      });
      const seen = app.db.prepare(
        "SELECT 1 AS ok FROM contacts WHERE workspace_id = ? AND salesforce_id = ? AND title = ?",
      );
      for (;;) {
        if (
          await seen
            .bind(ws.id, id, title)
            .first()
            .catch(() => null)
        )
          break;
        if (Date.now() - t0 > 60_000) throw new Error(`push ${i} not in Conversion after 60 s`);
        await sleep(20);
      }
      times.push(Date.now() - t0);
      await settled(app, ws.id);
    }
    return { samples: times.length, p50Ms: pct(times, 50), p95Ms: pct(times, 95), maxMs: Math.max(...times) };
  } finally {
    await app.stop();
  }
}

export async function bulkBench(
  n: number,
  log: (s: string) => void,
  baselineRev: string | null = null,
): Promise<BulkBenchResult> {
  const ONE_STREAM = { INBOUND_SLICE_CONCURRENCY: "1" };
  log(`bulk: ${n} Leads, one REST stream (the engine before, INBOUND_BULK_THRESHOLD=off)…`);
  const rest = await backfill("REST stream (before)", n, { ...ONE_STREAM, INBOUND_BULK_THRESHOLD: "off" });
  log(`  ${rest.wallS.toFixed(1)} s, ${Math.round(rest.recordsPerSec)} records/s`);
  let bulkBefore: BackfillSide | null = null;
  if (baselineRev) {
    log(`bulk: ${n} Leads, the default engine at ${baselineRev}…`);
    bulkBefore = await backfill(`default engine at ${baselineRev}`, n, {}, baselineRev);
    log(`  ${bulkBefore.wallS.toFixed(1)} s, ${Math.round(bulkBefore.recordsPerSec)} records/s`);
  }
  log(`bulk: ${n} Leads through one Bulk API 2.0 job (slices off)…`);
  const bulk = await backfill("one Bulk job (slices off)", n, ONE_STREAM);
  log(`  ${bulk.wallS.toFixed(1)} s, ${Math.round(bulk.recordsPerSec)} records/s`);
  log(`bulk: ${n} Leads as parallel slices (the default, INBOUND_SLICE_CONCURRENCY=3)…`);
  const sliced = await backfill("3 slices (now, default)", n, {});
  log(`  ${sliced.wallS.toFixed(1)} s, ${Math.round(sliced.recordsPerSec)} records/s`);
  const small = Math.round(n / 2);
  log(`bulk: ${small} Leads as parallel slices, for the cost growth…`);
  const slicedSmall = await backfill("3 slices (now), half size", small, {});
  log(`  ${slicedSmall.wallS.toFixed(1)} s`);
  log("bulk: push → Conversion latency…");
  const push = await pushLatency(20);
  log(`  p50 ${push.p50Ms} ms, p95 ${push.p95Ms} ms`);
  return { n, load: loadavg(), rest, bulk, sliced, slicedSmall, bulkBefore, baselineRev, push };
}

/** The markdown section for BENCHMARKS.md. */
export function renderBulk(r: BulkBenchResult, command: string, machine: string): string {
  const { rest, bulk, sliced, slicedSmall } = r;
  // Cost growth: seconds per extra record between the two sizes of the default engine; the rest is fixed.
  const perRecord = slicedSmall
    ? (sliced.wallS - slicedSmall.wallS) / (sliced.n - slicedSmall.n)
    : sliced.wallS / sliced.n;
  const fixed = sliced.wallS - perRecord * sliced.n;
  const at2m = fixed + perRecord * 2_000_000;
  const restAt2m = (rest.wallS / rest.n) * 2_000_000;
  const ceiling = 2_000 / (0.05 + (2_000 * 16 * 29) / 1e6);
  const per100k = (x: number, n: number) => ((x / n) * 100_000).toFixed(1);
  const row = (s: BackfillSide) =>
    `| ${s.label} | ${s.n.toLocaleString("en")} | ${s.wallS.toFixed(1)} | ${Math.round(s.recordsPerSec).toLocaleString("en")} | ${(s.recordsPerSec / ceiling).toFixed(2)} | ${s.queryPages} (${s.counts}) | ${s.bulkJobs} | ${s.bulkPolls} | ${s.bulkSets} | ${s.calls} (${per100k(s.calls, s.n)}) | ${s.runs} | ${s.created.toLocaleString("en")} |`;
  return `## Big orgs: Bulk API 2.0, parallel slices and the push from Salesforce (issue 16)

Command: \`${command}\` (${new Date().toISOString().slice(0, 16)}Z, ${machine}; load average at the end
${r.load.map((x) => x.toFixed(1)).join(" / ")}). Under the fake org's latency model (\`latencyModel: true\`: a REST page
of 2,000 Leads ≈ 50 ms + 2,000 × 16 fields × 29 µs ≈ 0.98 s, a Bulk job JobComplete after 20 s + 10 µs a record,
results at 4 MB/s, 25 long-running requests). Each row is a fresh app and fake org, a "Sync now" of a workspace with
only Lead enabled, timed until no lease and no run is left; rows run one after another in the order shown. "REST
stream" is the engine before issue 16 (\`INBOUND_BULK_THRESHOLD=off\`, \`INBOUND_SLICE_CONCURRENCY=1\`); "one Bulk
job" is last session's engine (slices off); "3 slices" is the default now.

| engine | Leads | wall s | records/s | × REST ceiling | REST pages (COUNT) | Bulk jobs | job polls | result sets | API calls (per 100k) | runs | created |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${[rest, r.bulkBefore, bulk, sliced, slicedSmall]
  .filter((s): s is BackfillSide => !!s)
  .map(row)
  .join("\n")}

- Single-stream REST ceiling at this latency: ${Math.round(ceiling).toLocaleString("en")} records/s (2,000 records a page / 0.98 s).
  3 slices: ${Math.round(sliced.recordsPerSec).toLocaleString("en")} records/s = **${(sliced.recordsPerSec / ceiling).toFixed(2)}× the ceiling**
  (target ≥ 2×), ${(sliced.recordsPerSec / rest.recordsPerSec).toFixed(2)}× the measured REST stream, ${(sliced.recordsPerSec / bulk.recordsPerSec).toFixed(2)}× one Bulk job.
- 2,000,000 Leads, extrapolated from the cost growth between the two sizes of the default engine
  (${(perRecord * 1e6).toFixed(0)} µs a record, ${fixed.toFixed(1)} s fixed): **${(at2m / 60).toFixed(1)} min** (target ≤ 15 min);
  the REST stream at its measured rate: ${(restAt2m / 60).toFixed(1)} min.
- Daily limits: API calls per 100,000 Leads ${per100k(sliced.calls, sliced.n)} as slices, ${per100k(bulk.calls, bulk.n)} through one
  Bulk job, ${per100k(rest.calls, rest.n)} by one REST stream, against Salesforce's 100,000 daily API requests (Enterprise
  base; the fake's default); Bulk jobs ${per100k(bulk.bulkJobs, bulk.n)} per 100,000 records (one-job engine;
  ${per100k(sliced.bulkJobs, sliced.n)} as slices) against 10,000 Bulk API 2.0 query jobs a day.
- Push → Conversion (a Lead's Title changed in the fake org, \`POST /api/v1/salesforce/push/{id}\` with
  \`{"object":"Lead"}\`, timed until the contact's title is in D1; ${r.push.samples} pushes one after another, latency model on):
  p50 ${r.push.p50Ms} ms, **p95 ${r.push.p95Ms} ms** (target ≤ 5,000 ms), max ${r.push.maxMs} ms. It includes the 1 s debounce.
`;
}
