// `npm run bench`: measures the sync engine against its limits, in workerd, locally, against the
// fake Salesforce org (no added latency), and writes BENCHMARKS.md.
//
//   npm run bench                      full sizes (100,000 Leads ×3, 1,000,000 run records), ~10 min
//   npm run bench -- --quick           smaller sizes, fewer repetitions, under 2 minutes
//   npm run bench -- --only=inbound,read   some sections; the others are carried over from BENCHMARKS.md
//   npm run bench -- --proposals       also the engine side by side with a baseline revision (inbound backfill, outbound burst)
//   npm run bench -- --out=FILE        write FILE instead of BENCHMARKS.md
//   npm run bench -- --only=bulk [--bulk-n=N] [--bulk-baseline=REV]   big orgs under the latency model (issue 16): one REST stream vs one Bulk job vs parallel slices
//                                      (and Bulk at REV, same run), push latency
//   npm run bench -- --only=multi --multi-baseline=REV1,REV2 [--multi-reps=N]   the many-workspaces section against REV1 (default MULTI_BASELINE_REV), REV2 … beside it
//   npm run bench -- --proposals --baseline=REV   the side-by-side baseline is REV instead of BASELINE_REV
//                                      (--baseline=REV1,REV2: each revision side by side, ratios against REV1)
//   npm run bench -- --proposals --no-latency     without the runs against added Salesforce latency
//   npm run bench -- --proposals --proposals-n=N --proposals-reps=R --rest --inbound-only
//                                      N Leads, R rounds, REST stream only (no Bulk jobs), no outbound burst
//
// Sections: inbound (backfill, raw limit, CPU, statements, rows, calls), growth, micro, outbound,
// multi (many workspaces at once, side by side with the revision before), read, page, proposals.
// How each figure is measured is written next to it in BENCHMARKS.md.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type App, bundleWorker, ROOT, startApp } from "./bench/app.ts";
import { bulkBench, renderBulk } from "./bench/bulk.ts";
import { type InboundResult, inboundBackfill, inboundFresh } from "./bench/inbound.ts";
import { committedLookupSql, microBenchmark } from "./bench/micro.ts";
import { MULTI_BASELINE_REV, type MultiConfig, type MultiRow, multiTenant } from "./bench/multi.ts";
import { type OutboundResult, outboundBurst, prepareOutbound } from "./bench/outbound.ts";
import { type AssetSizes, assetSizes, buildPage, launchChromium, type PageTimings, timePage } from "./bench/page.ts";
import { machine } from "./bench/proc.ts";
import {
  type HistoryShape,
  healthQueries,
  perRunReasonSummary,
  type Side,
  seedWorkspace,
  timeReadsSideBySide,
} from "./bench/read-api.ts";
import { type ProposalRow, type Results, render } from "./bench/report/index.ts";

const SECTIONS = ["inbound", "growth", "micro", "outbound", "multi", "read", "page", "proposals", "bulk"] as const;
type Section = (typeof SECTIONS)[number];

function parseArgs(argv: string[]) {
  const quick = argv.includes("--quick");
  const only = argv
    .find((a) => a.startsWith("--only="))
    ?.slice(7)
    .split(",")
    .filter(Boolean) as Section[] | undefined;
  for (const s of only ?? [])
    if (!SECTIONS.includes(s)) throw new Error(`unknown section ${s}; one of ${SECTIONS.join(", ")}`);
  const proposals = argv.includes("--proposals") || (only?.includes("proposals") ?? false);
  const sections = new Set<Section>(
    only ?? SECTIONS.filter((s) => (s !== "proposals" || proposals) && (s !== "bulk" || argv.includes("--bulk"))),
  );
  const out = argv.find((a) => a.startsWith("--out="))?.slice(6);
  const baseline = argv.find((a) => a.startsWith("--baseline="))?.slice(11) || BASELINE_REV;
  const latency = !argv.includes("--no-latency");
  const number = (name: string) => {
    const v = argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    return v ? Number(v) : undefined;
  };
  // The REST stream only (INBOUND_BULK_THRESHOLD=off, baseline and committed alike): what storage changes, without Bulk jobs' polling.
  const vars = argv.includes("--rest") ? { INBOUND_BULK_THRESHOLD: "off" } : undefined;
  return {
    quick,
    sections,
    only: only !== undefined,
    out,
    baseline,
    latency,
    vars,
    proposalsN: number("proposals-n"),
    inboundOnly: argv.includes("--inbound-only"),
    proposalsReps: number("proposals-reps"),
    multiReps: number("multi-reps"),
  };
}

export interface Config {
  quick: boolean;
  inboundN: number;
  inboundReps: number;
  growthSizes: number[];
  growthReps: number;
  microN: number;
  microReps: number;
  outboundChanges: number;
  outboundReps: number;
  multi: MultiConfig;
  multiReps: number;
  readSmall: HistoryShape;
  readBig: HistoryShape;
  readRequests: number;
  pageReps: number;
  proposalsN: number;
  proposalsReps: number;
}

// A run every 4 minutes, in both histories: the big one is the same workspace ~55 days later.
const STEP_MS = 4 * 60_000;
const DAY_MS = 86_400_000;
/** Salesforce latency per call added (fake org fault) only to weigh the read-ahead proposal. */
const LATENCY_MS = 150;

function config(quick: boolean): Config {
  return quick
    ? {
        quick,
        inboundN: 20_000,
        inboundReps: 2,
        growthSizes: [1_000, 10_000],
        growthReps: 2,
        microN: 20_000,
        microReps: 3,
        outboundChanges: 1_000,
        outboundReps: 2,
        multi: { workspaces: 20, changesPerWorkspace: 100, writersPerWorkspace: 2, backfillPerWorkspace: 1_000 },
        multiReps: 1,
        readSmall: { runs: 20, perRun: 50, stepMs: STEP_MS },
        readBig: { runs: 2_000, perRun: 50, stepMs: STEP_MS },
        readRequests: 20,
        pageReps: 2,
        proposalsN: 20_000,
        proposalsReps: 1,
      }
    : {
        quick,
        inboundN: 100_000,
        inboundReps: 3,
        growthSizes: [1_000, 10_000],
        growthReps: 3,
        microN: 50_000,
        microReps: 5,
        outboundChanges: 1_000,
        outboundReps: 3,
        multi: { workspaces: 20, changesPerWorkspace: 100, writersPerWorkspace: 2, backfillPerWorkspace: 5_000 },
        multiReps: 2,
        readSmall: { runs: 20, perRun: 50, stepMs: STEP_MS },
        readBig: { runs: 20_000, perRun: 50, stepMs: STEP_MS },
        readRequests: 40,
        pageReps: 5,
        proposalsN: 100_000,
        proposalsReps: 2,
      };
}

const log = (...args: unknown[]) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t = Date.now();
  log(`${label}…`);
  const out = await fn();
  log(`${label}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return out;
}

async function withApp<T>(fn: (app: App) => Promise<T>): Promise<T> {
  const app = await startApp();
  try {
    return await fn(app);
  } finally {
    await app.stop();
  }
}

/**
 * The engine before the changes the last benchmark proposed were applied (the end of session 1):
 * measured side by side with the committed engine, so what those changes bought is a ratio from one run.
 */
export const BASELINE_REV = "6446e57";

/** The revisions side by side: --baseline=A,B (ratios against the first), then the committed engine. */
function proposalSets(baseline: string): { label: string; rev?: string }[] {
  return [
    ...baseline.split(",").map((rev, i) => ({ label: `${i ? "revision" : "baseline"} ${rev}`, rev })),
    { label: "as committed" },
  ];
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const cfg = config(args.quick);
  if (args.proposalsN) cfg.proposalsN = args.proposalsN;
  if (args.proposalsReps) cfg.proposalsReps = args.proposalsReps;
  if (args.multiReps) cfg.multiReps = args.multiReps;
  const started = Date.now();
  const results: Results = {
    cfg,
    machine: machine(),
    date: new Date().toISOString(),
    argv: process.argv.slice(2),
    sections: [...args.sections],
  };
  log(`${args.quick ? "quick" : "full"} benchmark: ${[...args.sections].join(", ")}`);
  if (args.sections.has("bulk")) {
    // Its own section of BENCHMARKS.md, written in place (the other sections are left as they are).
    await timed("bundling the Worker (wrangler)", async () => void bundleWorker());
    const n = Number(process.argv.find((a) => a.startsWith("--bulk-n="))?.slice(9) ?? (args.quick ? 40_000 : 500_000));
    const r = await bulkBench(n, log, process.argv.find((a) => a.startsWith("--bulk-baseline="))?.slice(16) || null);
    const file = args.out ? resolve(args.out) : join(ROOT, "BENCHMARKS.md");
    const m = results.machine;
    const section = renderBulk(r, `npm run bench -- ${process.argv.slice(2).join(" ")}`, `${m.nproc} CPUs, ${m.cpu}`);
    const previous = existsSync(file) ? readFileSync(file, "utf8") : "";
    const block = `<!-- section:bulk -->\n${section.trimEnd()}\n<!-- /section:bulk -->\n`;
    const found = /<!-- section:bulk -->[\s\S]*?<!-- \/section:bulk -->\n?/.exec(previous);
    const next = found
      ? previous.slice(0, found.index) + block + previous.slice(found.index + found[0].length)
      : `${previous.trimEnd()}\n\n${block}`;
    writeFileSync(file, next);
    log(`bulk: wrote its section of ${file}`);
    args.sections.delete("bulk");
    if (!args.sections.size) return;
  }

  if (args.sections.has("page") || !existsSync(join(ROOT, "web/dist/index.html")))
    await timed("building the page (vite)", async () => buildPage());
  await timed("bundling the Worker (wrangler)", async () => void bundleWorker());

  if (args.sections.has("inbound")) {
    results.inbound = [];
    const lookupSql = await committedLookupSql();
    for (let i = 0; i < cfg.inboundReps; i++) {
      // The first run also explains a page's contact lookup against what it wrote.
      const opts = { raw: true, lean: true, lookupSql: i === 0 ? lookupSql : undefined };
      results.inbound.push(
        await timed(
          `inbound ${cfg.inboundN.toLocaleString("en-US")} Leads + raw limit, run ${i + 1}/${cfg.inboundReps}`,
          () => inboundFresh(cfg.inboundN, opts),
        ),
      );
      const r = results.inbound[i]!;
      log(
        `  ${Math.round(r.recordsPerSec)} records/s end to end; raw ${Math.round(r.raw!.recordsPerSec)} records/s; lean ceiling ${Math.round(r.lean!.recordsPerSec)} records/s; ${r.salesforceCalls} Salesforce calls`,
      );
    }
  }
  if (args.sections.has("growth")) {
    results.growth = {};
    for (const n of cfg.growthSizes) {
      results.growth[n] = [];
      for (let i = 0; i < cfg.growthReps; i++)
        results.growth[n]!.push(
          await timed(`growth: ${n.toLocaleString("en-US")} Leads, run ${i + 1}/${cfg.growthReps}`, () =>
            inboundFresh(n, { raw: false }),
          ),
        );
    }
  }
  if (args.sections.has("micro")) {
    results.micro = await timed(
      `micro-benchmark: consumer JavaScript on ${cfg.microN.toLocaleString("en-US")} records (Node)`,
      () => microBenchmark(cfg.microN, cfg.microReps),
    );
  }
  if (args.sections.has("outbound")) {
    results.outbound = await timed(`outbound: ${cfg.outboundChanges} contact changes ×${cfg.outboundReps}`, () =>
      withApp(async (app) => {
        const { ws, ids } = await prepareOutbound(app, cfg.outboundChanges);
        const out: OutboundResult[] = [];
        for (let i = 0; i < cfg.outboundReps; i++) out.push(await outboundBurst(app, ws, ids, i + 1));
        return out;
      }),
    );
  }
  if (args.sections.has("multi")) {
    // --multi-baseline=A,B: each revision side by side (A the one the summary compares against), then committed.
    const revs = (process.argv.find((a) => a.startsWith("--multi-baseline="))?.slice(17) || MULTI_BASELINE_REV).split(
      ",",
    );
    const variants = [
      ...revs.map((rev, i) => ({ label: `${i ? "revision" : "before"} (${rev})`, rev })),
      { label: "as committed" },
    ];
    const rows: MultiRow[] = [];
    for (let rep = 0; rep < cfg.multiReps; rep++) {
      // Interleaved, so that the machine's drift hits both alike.
      for (const v of variants) {
        const row = await timed(`multi-tenant: ${v.label}, run ${rep + 1}/${cfg.multiReps}`, () =>
          multiTenant(cfg.multi, v, rep + 1),
        );
        rows.push(row);
        log(
          `  ${v.label}: ${Math.round(row.outbound.writesPerSec)} writes/s, p50 ${row.outbound.latencyMs.p50} ms, p95 ${row.outbound.latencyMs.p95} ms, ` +
            `${row.outbound.collectionCalls} calls; backfills ${Math.round(row.backfill.recordsPerSec)} records/s; small change ${row.backfill.small.latencyMs} ms`,
        );
      }
    }
    results.multi = rows;
  }
  if (args.sections.has("read") || args.sections.has("page")) {
    await timed("read API and page", async () => {
      // One app (one workerd, one D1) per history, so that "with 1,000 records" means the whole database.
      const smallApp = await startApp();
      const bigApp = await startApp();
      const sparseApp = args.sections.has("read") ? await startApp() : null;
      try {
        const small = await seedWorkspace(smallApp, "read small", "rs_", cfg.readSmall);
        const big = await timed(
          `seeding ${(cfg.readBig.runs * cfg.readBig.perRun).toLocaleString("en-US")} run records`,
          () => seedWorkspace(bigApp, "read big", "rb_", cfg.readBig),
        );
        if (sparseApp) {
          // The same history size, as sparse as the small one in the last 24 h: the history's size alone.
          const sparseShape = { ...cfg.readBig, stepMs: DAY_MS / cfg.readSmall.runs };
          const sparse = await timed("seeding the same history, 20 runs a day", () =>
            seedWorkspace(sparseApp, "read big sparse", "rp_", sparseShape),
          );
          const sides: Side[] = [
            {
              label: "small",
              app: smallApp,
              ws: small.ws,
              shape: cfg.readSmall,
              records: small.records,
              seedMs: small.seedMs,
            },
            { label: "big", app: bigApp, ws: big.ws, shape: cfg.readBig, records: big.records, seedMs: big.seedMs },
            {
              label: "big, sparse",
              app: sparseApp,
              ws: sparse.ws,
              shape: sparseShape,
              records: sparse.records,
              seedMs: sparse.seedMs,
            },
          ];
          const [smallSide, bigSide, sparseSide] = await timed("timing reads side by side", () =>
            timeReadsSideBySide(sides, cfg.readRequests),
          );
          const healthCosts = {
            small: await healthQueries(smallApp, small.ws),
            big: await healthQueries(bigApp, big.ws),
            sparse: await healthQueries(sparseApp, sparse.ws),
          };
          const perRun = [
            ...(await perRunReasonSummary(smallApp, [small.ws])),
            ...(await perRunReasonSummary(bigApp, [big.ws])),
          ];
          results.read = { small: smallSide!, big: bigSide!, sparse: sparseSide!, healthCosts, perRun };
        }
        if (args.sections.has("page")) {
          const browser = await launchChromium();
          try {
            const sizes: AssetSizes = assetSizes();
            const smallT: PageTimings = await timePage(smallApp, small.ws, browser, cfg.pageReps);
            const bigT: PageTimings = await timePage(bigApp, big.ws, browser, cfg.pageReps);
            results.page = { sizes, small: smallT, big: bigT, chromium: browser.version() };
          } finally {
            await browser.close();
          }
        }
      } finally {
        await sparseApp?.stop();
        await bigApp.stop();
        await smallApp.stop();
      }
    });
  }
  if (args.sections.has("proposals")) {
    const rows: ProposalRow[] = [];
    const sets = proposalSets(args.baseline);
    for (let rep = 0; rep < cfg.proposalsReps; rep++) {
      // Interleaved (A, B, C, A, B, C …) so that the machine's drift hits every variant alike.
      for (const set of sets) {
        const r: InboundResult = await timed(
          `proposal ${set.label}, inbound, run ${rep + 1}/${cfg.proposalsReps}`,
          async () => {
            const app = await startApp({ rev: set.rev, vars: args.vars });
            try {
              // The lean ceiling (issue 15) in the same harness: the committed engine's rows, lean, in a fresh D1.
              return await inboundBackfill(app, cfg.proposalsN, { lean: !set.rev });
            } finally {
              await app.stop();
            }
          },
        );
        if (r.lean)
          log(
            `  lean ceiling: ${Math.round(r.lean.recordsPerSec)} records/s (${r.lean.batches} batches, ${r.lean.statements} statements, ` +
              `${(r.lean.d1RowsWritten / r.n).toFixed(4)} rows written per record); engine / lean = ${(r.recordsPerSec / r.lean.recordsPerSec).toFixed(2)}`,
          );
        const o: OutboundResult | null = args.inboundOnly
          ? null
          : await timed(`proposal ${set.label}, outbound, run ${rep + 1}/${cfg.proposalsReps}`, async () => {
              const app = await startApp({ rev: set.rev });
              try {
                const { ws, ids } = await prepareOutbound(app, cfg.outboundChanges);
                return await outboundBurst(app, ws, ids, 1);
              } finally {
                await app.stop();
              }
            });
        rows.push({
          label: set.label,
          result: r,
          outbound: o,
        });
        log(
          `  ${set.label}: ${Math.round(r.recordsPerSec)} records/s, ${r.salesforceCalls} inbound calls${o ? `; outbound ${o.totalCalls} calls, p95 ${o.latencyMs.p95} ms` : ""}`,
        );
      }
    }
    // Read-ahead hides Salesforce's latency, which the fake org does not have: weigh it with some added.
    const latency: ProposalRow[] = [];
    for (let rep = 0; rep < (args.latency ? cfg.proposalsReps : 0); rep++) {
      for (const set of sets.slice(0, 2)) {
        const r = await timed(
          `proposal ${set.label} with ${LATENCY_MS} ms Salesforce latency, run ${rep + 1}/${cfg.proposalsReps}`,
          async () => {
            const app = await startApp({ rev: set.rev });
            try {
              return await inboundBackfill(app, cfg.proposalsN, { salesforceLatencyMs: LATENCY_MS });
            } finally {
              await app.stop();
            }
          },
        );
        latency.push({
          label: set.label,
          result: r,
          outbound: null,
        });
        log(`  ${set.label} @${LATENCY_MS} ms: ${Math.round(r.recordsPerSec)} records/s`);
      }
    }
    results.proposals = { n: cfg.proposalsN, rows, latency, latencyMs: LATENCY_MS };
  }

  results.totalSeconds = (Date.now() - started) / 1000;
  const file = args.out ? resolve(args.out) : join(ROOT, "BENCHMARKS.md");
  const previous = existsSync(file) ? readFileSync(file, "utf8") : "";
  writeFileSync(file, render(results, previous, args.only));
  log(`done in ${results.totalSeconds.toFixed(0)} s; wrote ${file}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  // undici's "fetch failed" says why only in its cause.
  if (err instanceof Error && err.cause) console.error("cause:", err.cause);
  process.exit(1);
});
