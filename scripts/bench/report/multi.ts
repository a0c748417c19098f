// The many-workspaces section: summary rows (committed vs the revision before, from one run) and details.

import type { MultiOutbound, MultiRow } from "../multi.ts";
import { median, num } from "../stats.ts";
import { k, type Results, type Row } from "./shared.ts";

const s = (ms: number, digits = 2) => `${num(ms / 1000, digits)} s`;

function sides(r: Results): { before: MultiRow[]; after: MultiRow[]; beforeLabel: string } {
  const rows = r.multi!;
  const beforeLabel = rows[0]!.label;
  return {
    before: rows.filter((x) => x.label === beforeLabel),
    // Other revisions (--multi-baseline=A,B) are in the details only.
    after: rows.filter((x) => x.label === "as committed"),
    beforeLabel,
  };
}

const med = (rows: MultiRow[], f: (x: MultiRow) => number) => median(rows.map(f));

export function multiRows(r: Results, cmd: string): Row[] {
  const { before, after, beforeLabel } = sides(r);
  const o = after[0]!.outbound;
  const who = `${o.workspaces} workspaces × ${k(o.changesPerWorkspace)} changes at once`;
  const p50 = med(after, (x) => x.outbound.latencyMs.p50);
  const p95 = med(after, (x) => x.outbound.latencyMs.p95);
  const rate = med(after, (x) => x.outbound.writesPerSec);
  const rateBefore = med(before, (x) => x.outbound.writesPerSec);
  const maxCalls = Math.max(...after.flatMap((x) => x.outbound.callsPerWorkspace));
  const bulk = after.filter((x) => x.bulk).map((x) => x.bulk!);
  const small = med(after, (x) => x.backfill.small.latencyMs);
  const interval = after[0]!.backfill.small.intervalMinutes * 60_000;
  const b = after[0]!.backfill;
  return [
    {
      figure: `Many workspaces: outbound, ${who}: latency API write → fake org`,
      section: "multi",
      target: "p50 ≤ 2 s, p95 ≤ 5 s",
      result: `p50 ${s(p50)}, p95 ${s(p95)}, max ${s(med(after, (x) => x.outbound.latencyMs.max))} (${beforeLabel}: p50 ${s(med(before, (x) => x.outbound.latencyMs.p50))}, p95 ${s(med(before, (x) => x.outbound.latencyMs.p95))}, max ${s(med(before, (x) => x.outbound.latencyMs.max))})`,
      verdict: p50 <= 2000 && p95 <= 5000 ? "met" : "**missed**",
      command: cmd,
    },
    {
      figure: `Many workspaces: API writes, ${who} (${o.writersPerWorkspace} in flight per workspace)`,
      section: "multi",
      target: "≥ 3× the revision before",
      result:
        `${num(rate, 0)} writes/s vs ${num(rateBefore, 0)} → ${num(rate / rateBefore, 2)}×` +
        (bulk.length
          ? `; as bulk writes (\`POST /api/v1/contacts:batch\`, one request of ${k(o.changesPerWorkspace)} per workspace): ${num(median(bulk.map((x) => x.writesPerSec)), 0)} records/s`
          : ""),
      verdict: rate >= 3 * rateBefore ? "met" : "**missed**",
      command: cmd,
    },
    {
      figure: "Many workspaces: Salesforce collection calls per workspace × object",
      section: "multi",
      target: `≤ floor + 1 (floor ⌈${k(o.changesPerWorkspace)} / 200⌉ = ${o.floorPerWorkspace})`,
      result: `at most ${maxCalls}, median ${num(median(after.flatMap((x) => x.outbound.callsPerWorkspace)), 1)}; ${k(o.collectionCalls)} in all for ${o.workspaces} workspaces (${beforeLabel}: at most ${Math.max(...before.flatMap((x) => x.outbound.callsPerWorkspace))}, ${k(before[0]!.outbound.collectionCalls)} in all)`,
      verdict: maxCalls <= o.floorPerWorkspace + 1 ? "met" : "**missed**",
      command: cmd,
    },
    {
      figure: `Many workspaces: ${b.workspaces} backfills × ${k(b.perWorkspace)} Leads started together: aggregate records per second`,
      section: "multi",
      target: "report",
      result: `${num(
        med(after, (x) => x.backfill.recordsPerSec),
        0,
      )}/s (${beforeLabel}: ${num(
        med(before, (x) => x.backfill.recordsPerSec),
        0,
      )}/s)`,
      verdict: "reported",
      command: cmd,
    },
    {
      figure: `Many workspaces: a small workspace's incremental change while ${b.workspaces} backfills run`,
      section: "multi",
      target: "within one sync interval (5 min)",
      result: `${s(small)} from its cycle's start to the record in Conversion = ${num((small / interval) * 100, 2)}% of the interval, ${b.small.backfillsRunningAtArrival} of ${b.workspaces} backfills still running (${beforeLabel}: ${s(med(before, (x) => x.backfill.small.latencyMs))}, ${before[0]!.backfill.small.backfillsRunningAtArrival} still running)`,
      verdict: small <= interval ? "met" : "**missed**",
      command: cmd,
    },
  ];
}

function outboundLine(label: string, run: number, kind: string, x: MultiOutbound): string {
  return (
    `| ${label} | ${run} | ${kind} | ${s(x.apiMs)} | ${num(x.writesPerSec, 0)}/s | ${num(x.answerMs.p50, 0)} / ${num(x.answerMs.p95, 0)} ms | ` +
    `${s(x.latencyMs.p50)} / ${s(x.latencyMs.p95)} / ${s(x.latencyMs.max)} | ${s(x.drainedMs, 1)} | ${x.collectionCalls} | ` +
    `${Math.min(...x.callsPerWorkspace)}–${Math.max(...x.callsPerWorkspace)} | ${k(x.recordsWritten)} |`
  );
}

export function multiDetail(r: Results): string {
  const rows = r.multi!;
  const c = r.cfg.multi;
  const runOf = (x: MultiRow) => rows.filter((y) => y.label === x.label).indexOf(x) + 1;
  return [
    `${new Set(rows.map((x) => x.label)).size} variants, interleaved run by run, each in fresh apps: "${rows[0]!.label}" is \`worker/\`, \`migrations/\` and \`wrangler.toml\` at that revision (main before`,
    "this work: the outbound consumer waited inside its invocation for a burst to fill a call; one inbound queue), taken with `git archive` and bundled by",
    "wrangler like the committed Worker. Local Miniflare runs each queue's deliveries one at a time (`max_concurrency` is production's), so what",
    "overlaps here is what one invocation does at once and what separate queues do.",
    "",
    `**Outbound.** The fake org reset to ${k(c.changesPerWorkspace)} Contacts; ${c.workspaces} workspaces, each connected through the OAuth flow, sync them in (so each`,
    `has ${k(c.changesPerWorkspace)} linked contacts); then all ${c.workspaces} write at once, ${c.writersPerWorkspace} requests in flight per workspace: ${k(c.changesPerWorkspace)} \`PATCH /api/v1/contacts/{id}\` each`,
    `(single), and after that the same changes as one \`POST /api/v1/contacts:batch\` per workspace (bulk). Write rate: changes / (first request → last`,
    "answer), Node's clock. Latency per change: its outbox row's `created_at` (the API write's commit) → `processed_at` (the fake org answered the",
    "call that carried it), D1's clock. Calls per workspace: ⌈records / 200⌉ per outbound run (every change is a Contact update), checked",
    "against the fake org's log of collection calls.",
    "",
    "| variant | run | writes | API burst | write rate | answer p50 / p95 | latency p50 / p95 / max | all pushed after | collection calls | per workspace | records written |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.flatMap((x) => [
      outboundLine(x.label, runOf(x), "single", x.outbound),
      ...(x.bulk ? [outboundLine(x.label, runOf(x), "bulk", x.bulk)] : []),
    ]),
    "",
    `**Inbound.** The fake org reset to ${k(c.backfillPerWorkspace)} Leads and 5 Accounts. A small workspace (Account only) backfills first; then ${c.workspaces} workspaces`,
    `(Lead only) start their backfills together (Sync now). Once one is under way, an Account is renamed in the fake org and the small workspace's`,
    "cycle is planned (Sync now, what the cron does when its interval is up): its latency runs from there to the new name in Conversion's",
    "companies table. Aggregate rate: all backfilled records / (first Sync now → every backfill settled).",
    "",
    "| variant | run | backfills | wall | aggregate | small workspace's change | backfills running: at the change / at its arrival |",
    "|---|---|---|---|---|---|---|",
    ...rows.map(
      (x) =>
        `| ${x.label} | ${runOf(x)} | ${x.backfill.workspaces} × ${k(x.backfill.perWorkspace)} | ${s(x.backfill.wallMs, 1)} | ${num(x.backfill.recordsPerSec, 0)}/s | ` +
        `${s(x.backfill.small.latencyMs)} | ${x.backfill.small.backfillsRunningAtChange} / ${x.backfill.small.backfillsRunningAtArrival} |`,
    ),
  ].join("\n");
}
