// Each section's detail: how the figure was measured, and every run's numbers.

import type { InboundResult } from "../inbound.ts";
import { ENDPOINTS, type Endpoint } from "../read-api.ts";
import { median, num, spread, sum } from "../stats.ts";
import { ceilPages, jsPerRecordUs, k, processPerRecordUs, type Results } from "./shared.ts";

export function inboundDetail(r: Results): string {
  const runs = r.inbound!;
  const lines: string[] = [];
  lines.push(
    `Each run: a fresh app (empty D1), the fake org reset to ${k(runs[0]!.n)} Leads (seed 7, no data defects: every record is a create, the costliest path),`,
  );
  lines.push(
    "a workspace created through the admin API and connected through the fake org's OAuth redirect, only Lead enabled, then `POST /api/v1/sync/inbound`",
  );
  lines.push(
    "and the clock runs until no lease is held and no run is in progress. Then the raw limit: the engine's own contact and run-record rows are",
  );
  lines.push(
    "carried page by page into a second, empty D1 (the state the engine started from) and written there with `INSERT … SELECT FROM json_each(?)`,",
  );
  lines.push(
    "2,000 contacts + their run pages (and any run-record rows) per `db.batch()` — the way the engine commits a page, minus everything else; only the batches are timed, inside workerd.",
  );
  lines.push(
    "The lean ceiling (issue 15): the same contact rows into a copy of `contacts` with only its lookup indexes (Salesforce id, email) plus one row per 2,000-record page holding that page's records, one `db.batch()` a page, in a third empty D1.",
  );
  lines.push("");
  lines.push(
    "| run | wall | records/s | raw D1 write | raw records/s | ratio | lean ceiling records/s | engine / lean | workerd CPU | fake org CPU | Salesforce calls | contacts + run records | D1 rows_written |",
  );
  lines.push("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  runs.forEach((x, i) => {
    lines.push(
      `| ${i + 1} | ${num(x.wallMs / 1000, 2)} s | ${num(x.recordsPerSec)} | ${num(x.raw!.writeMs / 1000, 2)} s | ${num(x.raw!.recordsPerSec)} | ${num(x.recordsPerSec / x.raw!.recordsPerSec, 2)} | ` +
        `${x.lean ? num(x.lean.recordsPerSec) : "—"} | ${x.lean ? num(x.recordsPerSec / x.lean.recordsPerSec, 2) : "—"} | ` +
        `${num(x.processCpuS, 1)} s | ${num(x.fakeCpuS, 1)} s | ${x.salesforceCalls} | ${k(x.tableRows.contacts)} + ${k(x.tableRows.runRecords)} | ${k(x.d1RowsWritten)} |`,
    );
  });
  const ix = runs[0]!.indexes;
  const full = (names: string[] | undefined) => (names ?? []).filter((n) => !n.endsWith("(partial)")).length;
  lines.push("");
  lines.push(
    `Why ${num(median(runs.map((x) => x.d1RowsWritten / x.n)), 0)} D1 rows per record: D1's \`rows_written\` counts every B-tree entry a write touches. A contact lands in its table and ` +
      `${ix.contacts?.length ?? 0} indexes (${(ix.contacts ?? []).map((n) => `\`${n}\``).join(", ")}); a run record in its table and ${ix.run_records?.length ?? 0} ` +
      `(${(ix.run_records ?? []).map((n) => `\`${n}\``).join(", ")}): ${2 + full(ix.contacts) + full(ix.run_records)} per record, the raw limit's rows included ` +
      "(a partial index has an entry only for the rows its condition admits: none for a Lead, which has no user id).",
  );
  const lookup = runs[0]!.lookup;
  if (lookup) {
    lines.push("");
    lines.push(
      `A page's contact lookup (2,000 Salesforce ids and 2,000 emails not yet in the workspace, as in a backfill) against the ${k(runs[0]!.n)} contacts run 1 wrote, ` +
        "inside workerd, median of 10 after 2 warm-ups; the committed SQL is the one `preparePage` sends (captured), rows read as D1 reports them:",
    );
    lines.push("");
    lines.push("| form | time | rows read | plan |");
    lines.push("|---|---|---|---|");
    for (const l of lookup) lines.push(`| ${l.form} | ${num(l.medianMs, 1)} ms | ${k(l.rowsRead)} | ${l.plan} |`);
  }
  lines.push("");
  lines.push(
    "Per queue invocation (inbound batch), every run. `JS` = wall − time awaiting D1, an upper bound of the Worker's JavaScript (workerd's clock advances",
  );
  lines.push(
    "while JavaScript runs locally, and the Worker, its D1 and its queues share one thread): the read-ahead keeps the next Salesforce call in flight while",
  );
  lines.push(
    "a page's JavaScript runs, so `fetch wait` overlaps both and only its unhidden part is in `JS`; `process CPU` = the app's workerd utime+stime",
  );
  lines.push(
    "over the invocation, sampled every 50 ms from /proc — it includes local D1's SQLite work, which on Cloudflare runs elsewhere and is not the Worker's CPU time.",
  );
  lines.push("");
  lines.push(
    "| run | batch | records | wall | D1 wait | fetch wait | JS | process CPU | D1 statements | D1 rows_written | Salesforce calls | ⌈n/2,000⌉ |",
  );
  lines.push("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const [i, x] of runs.entries()) {
    for (const b of x.batches) {
      lines.push(
        `| ${i + 1} | ${b.label.replace("inbound_batch ", "")} | ${k(b.records)} | ${k(b.wallMs)} ms | ${k(b.d1WaitMs)} ms | ${k(b.fetchWaitMs)} ms | ${k(b.jsMs)} ms | ${k(Math.round(b.processCpuMs))} ms | ` +
          `${b.statements} | ${k(b.d1RowsWritten)} | ${b.salesforceCalls} | ${ceilPages(b.records)} |`,
      );
    }
  }
  return lines.join("\n");
}

export function growthDetail(r: Results): string {
  const sizes = Object.keys(r.growth!)
    .map(Number)
    .sort((a, b) => a - b);
  const all: [number, InboundResult[]][] = sizes.map((s) => [s, r.growth![s]!]);
  if (r.inbound) all.push([r.inbound[0]!.n, r.inbound]);
  const lines = [
    "A fresh app per size (empty D1), the same backfill as above. Per record: the Worker's JavaScript (sum over batches of wall − D1 wait, an upper bound)",
    "and the whole workerd process (utime+stime over the backfill, planner and queue included, local D1 included). Medians of the runs.",
    "",
    "| records | runs | wall | records/s | JS µs/record | process CPU µs/record | D1 wait µs/record |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const [s, rs] of all) {
    lines.push(
      `| ${k(s)} | ${rs.length} | ${num(median(rs.map((x) => x.wallMs)) / 1000, 2)} s | ${num(median(rs.map((x) => x.recordsPerSec)))} | ${num(median(rs.map(jsPerRecordUs)), 1)} | ` +
        `${num(median(rs.map(processPerRecordUs)), 0)} | ${num(median(rs.map((x) => (sum(x.batches.map((b) => b.d1WaitMs)) * 1000) / x.n)), 0)} |`,
    );
  }
  return lines.join("\n");
}

export function microDetail(r: Results): string {
  const m = r.micro!;
  return [
    `The consumer's own JavaScript in Node 22 (same V8 as workerd), from \`scripts/bench/micro.ts\`: ${k(m.records)} real fake-org Lead records as wire JSON pages`,
    "of 2,000 → `JSON.parse` → `preparePage` (lookups answered empty: every record a create) → `upsertRunRecords` → every statement's SQL and",
    "parameters built as `commitBatch` builds them. No D1 and no network. Warm (one batch first), then timed with `process.cpuUsage()`.",
    "",
    `Batch CPU: ${m.batchCpuMs.map((x) => `${num(x, 0)} ms`).join(", ")} → median ${num(median(m.batchCpuMs), 0)} ms, ${num(m.perRecordUs, 1)} µs/record, ${num((m.perRecordUs * 50_000) / 1000, 0)} ms per 50,000.`,
    "",
    "Where it goes (self time in one profiled batch, V8 sampling profiler):",
    "",
    "| function | ms |",
    "|---|---|",
    ...m.top.map((t) => `| \`${t.fn}\` | ${num(t.ms, 1)} |`),
  ].join("\n");
}

export function outboundDetail(r: Results): string {
  const o = r.outbound!;
  return [
    `A fresh app; the fake org reset to ${k(o[0]!.changes)} Contacts; a workspace with only Contact enabled syncs them in (so every contact is linked);`,
    `then ${k(o[0]!.changes)} \`PATCH /api/v1/contacts/{id}\` (a new title each), ${o[0]!.concurrency} at a time, as fast as the API answers. Each change's latency is its`,
    "outbox row's `created_at` (written with the API write) → `processed_at` (written once the fake org answered the collection call that carried it):",
    "both stamped by the Worker's clock. Calls are read from the fake org's call log (data API calls only, OAuth excluded).",
    "",
    "| round | API burst | calls (by kind) | records per collection call | consumer invocations | p50 | p95 | max | last write after burst start |",
    "|---|---|---|---|---|---|---|---|---|",
    ...o.map(
      (x, i) =>
        `| ${i + 1} | ${num(x.burstMs / 1000, 2)} s | ${x.totalCalls} (${Object.entries(x.calls)
          .map(([kk, v]) => `${kk}: ${v}`)
          .join(", ")}) | ${x.recordsPerCall.join(", ")} | ${x.consumerInvocations} | ` +
        `${num(x.latencyMs.p50 / 1000, 2)} s | ${num(x.latencyMs.p95 / 1000, 2)} s | ${num(x.latencyMs.max / 1000, 2)} s | ${num(x.lastWriteAfterMs / 1000, 2)} s |`,
    ),
  ].join("\n");
}

export function readDetail(r: Results): string {
  const { small, big, sparse, healthCosts, perRun } = r.read!;
  const lines = [
    `One app (one workerd, one D1) per history, so each database holds only that history. Histories are seeded set-based inside workerd (recursive CTEs,`,
    `\`scripts/bench/helper-worker.ts\`), ending now, ${big.shape.perRun} records per run (80% created/updated, 12% skipped, 8% failed, with reasons), every 25th run`,
    "failed, counts derived from the records:",
    `"small" = ${k(small.shape.runs)} runs, ${k(small.records)} records, a run every ${num(small.shape.stepMs / 60_000, 0)} minutes;`,
    `"big" = ${k(big.shape.runs)} runs, ${k(big.records)} records at the same pace (seeded in ${num(big.seedMs / 1000, 1)} s): the same workspace ${num((big.shape.runs * big.shape.stepMs) / 86_400_000, 0)} days on;`,
    `"big, sparse" = as many runs and records, but a run every ${num(sparse.shape.stepMs / 60_000, 0)} minutes: its last 24 h hold as many runs as the small one's, so only the`,
    "history's size differs.",
    `Each figure: ${small.timings["runs list"].requests} rounds after 5 warm-up rounds; a round sends one request to each history in rotating order (side by side, so the`,
    "machine's drift hits all alike); wall time in Node, HTTP included; default page size (50). Health covers the last 24 h.",
    "",
    "| endpoint | small: median / p95 | big: median / p95 | ratio big / small | big, sparse: median / p95 | ratio sparse / small |",
    "|---|---|---|---|---|---|",
  ];
  const paths: Record<Endpoint, string> = {
    "runs list": "GET /api/v1/sync/runs",
    "run records page": "GET /api/v1/sync/runs/{id}/records",
    "record history": "GET /api/v1/sync/records?email=",
    health: "GET /api/v1/sync/health",
  };
  for (const e of ENDPOINTS) {
    lines.push(
      `| \`${paths[e]}\` | ${num(small.timings[e].medianMs, 1)} / ${num(small.timings[e].p95Ms, 1)} ms | ${num(big.timings[e].medianMs, 1)} / ${num(big.timings[e].p95Ms, 1)} ms | ` +
        `${num(big.timings[e].medianMs / small.timings[e].medianMs, 2)} | ${num(sparse.timings[e].medianMs, 1)} / ${num(sparse.timings[e].p95Ms, 1)} ms | ${num(sparse.timings[e].medianMs / small.timings[e].medianMs, 2)} |`,
    );
  }
  lines.push("");
  lines.push(
    "Health's statements one by one (the SQL its query builders produce), each run 20 times inside workerd through the bench helper Worker,",
  );
  lines.push("median of the last 15; rows read as D1 reports them; the plan from EXPLAIN QUERY PLAN:");
  lines.push("");
  lines.push("| statement | small | big | big, sparse | plan (big) |");
  lines.push("|---|---|---|---|---|");
  healthCosts.big.forEach((b, i) => {
    const s = healthCosts.small[i]!;
    const p = healthCosts.sparse[i]!;
    lines.push(
      `| ${b.query} | ${num(s.medianMs, 1)} ms, ${k(s.rowsRead)} rows | ${num(b.medianMs, 1)} ms, ${k(b.rowsRead)} rows | ${num(p.medianMs, 1)} ms, ${k(p.rowsRead)} rows | ${b.plan} |`,
    );
  });
  lines.push(
    `| top reasons from a separate run_reasons table (the design not chosen, for comparison) | ${num(perRun[0]!.medianMs, 1)} ms, ${k(perRun[0]!.rowsRead)} rows | ${num(perRun[1]!.medianMs, 1)} ms, ${k(perRun[1]!.rowsRead)} rows | — | ${perRun[1]!.plan} |`,
  );
  return lines.join("\n");
}

export function pageDetail(r: Results): string {
  const p = r.page!;
  return [
    `\`npx vite build --config web/vite.config.ts\`, then gzip -9 (Node's zlib) of every shipped file:`,
    "",
    "| file | bytes | gzipped |",
    "|---|---|---|",
    ...p.sizes.files.map((f) => `| \`${f.name}\` | ${k(f.bytes)} | ${k(f.gzip)} |`),
    "",
    `Chromium ${p.chromium} (\`/usr/bin/chromium\` through playwright-core, \`--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync\`),`,
    "viewport 1280×900, against the app in workerd. The first run row is `li.run-entry` entering the DOM (a MutationObserver installed before the page's",
    "script runs), in ms since the navigation started (`performance.now()`). Launch: a fresh context opens the one-time launch link (302 with the session",
    "cookie → Overview) and clicks “Sync activity”; time from the launch navigation's start. Cold: a new context holding only the session cookie loads",
    "`/settings/crm/activity`. Warm: a new tab of the launch context (assets cached) loads it.",
    "",
    "| history | launch link → first run row | cold load → first run row | warm load → first run row |",
    "|---|---|---|---|",
    `| small (${k(r.cfg.readSmall.runs * r.cfg.readSmall.perRun)} records) | ${spread(p.small.launchToFirstRowMs, 0, " ms")} | ${spread(p.small.coldMs, 0, " ms")} | ${spread(p.small.warmMs, 0, " ms")} |`,
    `| big (${k(r.cfg.readBig.runs * r.cfg.readBig.perRun)} records) | ${spread(p.big.launchToFirstRowMs, 0, " ms")} | ${spread(p.big.coldMs, 0, " ms")} | ${spread(p.big.warmMs, 0, " ms")} |`,
  ].join("\n");
}
