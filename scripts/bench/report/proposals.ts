// The side-by-side section: the baseline revision and the committed engine.

import { median, num, spread, sum } from "../stats.ts";
import { fullBatches, k, type Results } from "./shared.ts";

export function proposalsDetail(r: Results): string {
  const p = r.proposals!;
  const labels = [...new Set(p.rows.map((x) => x.label))];
  const lines = [
    `The baseline is \`worker/\` and \`migrations/\` as of ${labels[0]!.replace(/^baseline /, "")} (before the changes the previous benchmark proposed were applied: per-page counts,`,
    "read-ahead, no empty trailing batch, outbound coalescing, the index changes; `--baseline=REV` for another), taken with `git archive`. Both are",
    `bundled by wrangler like the committed Worker, and run through the same ${k(p.n)}-Lead backfill and the same ${k(r.cfg.outboundChanges)}-change outbound burst, each in a fresh app;`,
    "variants interleaved run by run so the machine's drift hits them alike. D1 wait is the consumer's time awaiting D1 over the backfill; \"batch 2 / batch 1\"",
    "is the second 50,000-record batch's D1 wait over the first's (how the per-record cost grows with the tables).",
    "",
    "The committed engine's rows are also written lean (the lean ceiling, issue 15: the same contacts with only their lookup indexes plus one row per 2,000-record page, one `db.batch()` a page, in a fresh D1, only the batches timed).",
    "",
    "| variant | runs | inbound records/s | vs baseline | lean ceiling records/s | engine / lean | D1 wait | batch 2 / batch 1 D1 wait | statements per full batch | D1 rows_written per record | inbound Salesforce calls | outbound calls | outbound p50 / p95 |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  const base = median(p.rows.filter((x) => x.label === labels[0]).map((x) => x.result.recordsPerSec));
  for (const label of labels) {
    const rows = p.rows.filter((x) => x.label === label);
    const rs = rows.map((x) => x.result);
    const rps = rs.map((x) => x.recordsPerSec);
    const out = rows.flatMap((x) => (x.outbound ? [x.outbound] : []));
    const lean = rs.flatMap((x) => (x.lean ? [x.lean.recordsPerSec] : []));
    const ratio = rs.flatMap((x) => (x.lean ? [x.recordsPerSec / x.lean.recordsPerSec] : []));
    const growth = rs.map((x) => {
      const b = x.batches.filter((y) => y.records > 0);
      return b.length > 1 ? b[1]!.d1WaitMs / b[0]!.d1WaitMs : Number.NaN;
    });
    lines.push(
      `| ${label} | ${rs.length} | ${spread(rps, 0)} | ${label === labels[0] ? "—" : `${num(median(rps) / base, 2)}×`} | ${lean.length ? spread(lean, 0) : "—"} | ${lean.length ? spread(ratio, 2) : "—"} | ${num(median(rs.map((x) => sum(x.batches.map((b) => b.d1WaitMs)) / 1000)), 1)} s | ` +
        `${num(median(growth), 2)} | ${median(fullBatches(rs).map((b) => b.statements))} | ${num(median(rs.map((x) => x.d1RowsWritten / x.n)), 2)} | ${median(rs.map((x) => x.salesforceCalls))} | ` +
        (out.length
          ? `${median(out.map((o) => o.totalCalls))} | ${num(median(out.map((o) => o.latencyMs.p50)) / 1000, 2)} / ${num(median(out.map((o) => o.latencyMs.p95)) / 1000, 2)} s |`
          : "— | — |"),
    );
  }
  if (p.latency.length) {
    lines.push("");
    lines.push(
      `Against Salesforce latency (what read-ahead is for): the fake org answers at once, so here the same backfill, baseline and committed, with the fake's \`latencyMs: ${p.latencyMs}\` fault ` +
        "(every data call waits that long; only for this comparison):",
    );
    lines.push("");
    lines.push("| variant | runs | records/s | wall |");
    lines.push("|---|---|---|---|");
    for (const label of [...new Set(p.latency.map((x) => x.label))]) {
      const rs = p.latency.filter((x) => x.label === label).map((x) => x.result);
      lines.push(
        `| ${label} | ${rs.length} | ${spread(
          rs.map((x) => x.recordsPerSec),
          0,
        )} | ${num(median(rs.map((x) => x.wallMs)) / 1000, 1)} s |`,
      );
    }
  }
  return lines.join("\n");
}
