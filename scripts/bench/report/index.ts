// BENCHMARKS.md from one benchmark run. Every figure carries the command that produced it; sections
// not measured in this run (`--only`) are carried over from the previous file unchanged.

import { num } from "../stats.ts";
import { growthDetail, inboundDetail, microDetail, outboundDetail, pageDetail, readDetail } from "./details.ts";
import { multiDetail } from "./multi.ts";
import { proposalsDetail } from "./proposals.ts";
import { summaryRows } from "./rows.ts";
import type { Results } from "./shared.ts";

export type { ProposalRow, Results } from "./shared.ts";

function section(name: string, title: string, body: string, r: Results): string {
  return `<!-- section:${name} -->\n## ${title}\n\n_Measured ${r.date.slice(0, 16).replace("T", " ")} UTC by \`npm run bench${r.argv.length ? ` -- ${r.argv.join(" ")}` : ""}\`${r.cfg.quick ? " (quick mode: smaller sizes, fewer runs)" : ""}._\n\n${body}\n<!-- /section:${name} -->`;
}

function previousSection(previous: string, name: string): string | null {
  const m = new RegExp(`<!-- section:${name} -->[\\s\\S]*?<!-- /section:${name} -->`).exec(previous);
  return m ? m[0] : null;
}

function previousRows(previous: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of previous.split("\n")) {
    const m = /^\| (.+?) \| .*\|$/.exec(line);
    if (m && !line.startsWith("|---")) out.set(m[1]!, line);
  }
  return out;
}

const ROW_SECTIONS = ["inbound", "growth", "outbound", "multi", "read", "page"];

export function render(r: Results, previous: string, only: boolean): string {
  const ran = new Set(r.sections);
  const rows = summaryRows(r);
  const prevRows = only ? previousRows(previous) : new Map<string, string>();
  const table = ["| figure | target | result | verdict | command |", "|---|---|---|---|---|"];
  const have = new Set(rows.map((x) => x.section));
  // Rows of sections not run now come from the previous summary, in their place.
  for (const s of ROW_SECTIONS) {
    if (have.has(s)) {
      for (const x of rows.filter((y) => y.section === s))
        table.push(`| ${x.figure} | ${x.target} | ${x.result} | ${x.verdict} | ${x.command} |`);
    } else if (only && !ran.has(s)) {
      const keyPrefix = {
        inbound: [
          "Inbound backfill",
          "Raw D1 limit",
          "Consumer CPU",
          "D1 statements",
          "D1 rows written",
          "Salesforce calls per",
        ],
        growth: ["Cost growth"],
        outbound: ["Outbound:"],
        multi: ["Many workspaces:"],
        read: ["Read API"],
        page: ["The page"],
      }[s]!;
      for (const [fig, line] of prevRows) if (keyPrefix.some((p) => fig.startsWith(p))) table.push(line);
    }
  }

  const parts: string[] = [];
  parts.push("# Benchmarks");
  parts.push("");
  parts.push(
    "The Salesforce sync engine measured against its limits by `npm run bench` (`scripts/bench.ts`, `scripts/bench/`): the Worker as wrangler bundles it,",
    "run by Miniflare in workerd with local D1 and the queues `wrangler.toml` configures, against the fake Salesforce org (`test/fake-salesforce/`) on",
    "127.0.0.1 with no added latency. Everything is local: the numbers describe this engine on this machine, and compare variants side by side; they",
    "are not Cloudflare's production latencies (no network between the Worker, D1 and Salesforce here, and D1's SQLite shares the Worker's process).",
  );
  parts.push("");
  const run = `\`npm run bench${r.argv.length ? ` -- ${r.argv.join(" ")}` : ""}\`${r.totalSeconds ? ` (${num(r.totalSeconds / 60, 1)} min)` : ""}`;
  const headerLine = /^\*\*Machine:\*\*.*$/m.exec(previous)?.[0];
  parts.push(
    only && headerLine
      ? headerLine
      : `**Machine:** nproc ${r.machine.nproc}, ${r.machine.cpu}, ${r.machine.memGiB} GiB memory, Linux ${r.machine.kernel}, Node ${r.machine.node}. ` +
          `**Date:** ${r.date.slice(0, 10)}. **Run:** ${run}` +
          `${r.cfg.quick ? " — **quick mode**: smaller sizes, fewer runs, for a fast check; the full run is the reference" : ""}. ` +
          "The machine is shared and noisy: figures are medians of several runs (range in brackets), and ratios are measured side by side in one run. " +
          "Each section below names the command and time of the run that measured it.",
  );
  parts.push("");
  parts.push("## Figures and targets");
  parts.push("");
  parts.push(...table);
  parts.push("");
  const sections: [string, string, (r: Results) => string, boolean][] = [
    ["inbound", "Inbound backfill, raw D1 limit, CPU, statements, rows, calls", inboundDetail, !!r.inbound],
    ["growth", "Cost growth", growthDetail, !!r.growth],
    ["micro", "Consumer JavaScript, micro-benchmark", microDetail, !!r.micro],
    ["outbound", "Outbound", outboundDetail, !!r.outbound],
    ["multi", "Many workspaces at once: the revision before vs committed, side by side", multiDetail, !!r.multi],
    ["read", "Read API under history", readDetail, !!r.read],
    ["page", "The page", pageDetail, !!r.page],
    [
      "proposals",
      "What the engine changes bought: baseline vs committed, side by side",
      proposalsDetail,
      !!r.proposals,
    ],
  ];
  for (const [name, title, fn, has] of sections) {
    if (has) parts.push(section(name, title, fn(r), r));
    else {
      const prev = previousSection(previous, name);
      if (prev) parts.push(prev);
    }
    parts.push("");
  }
  const notes = previousSection(previous, "findings");
  parts.push(notes ?? "<!-- section:findings -->\n<!-- /section:findings -->");
  parts.push("");
  // Big orgs (--only=bulk, scripts/bench/bulk.ts) writes its own section in place: kept as it is.
  const bulk = previousSection(previous, "bulk");
  if (bulk) parts.push(bulk, "");
  // Run records by the page and capacity (issue 15): measured by hand (commands in it), kept as it is.
  const storage = previousSection(previous, "storage");
  if (storage) parts.push(storage, "");
  return parts.join("\n");
}
