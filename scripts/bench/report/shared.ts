// What every part of the report shares: the results of one run, a summary row, and small helpers.
import type { Config } from "../../bench.ts";
import type { BatchCost, InboundResult } from "../inbound.ts";
import type { MicroResult } from "../micro.ts";
import type { MultiRow } from "../multi.ts";
import type { OutboundResult } from "../outbound.ts";
import type { AssetSizes, PageTimings } from "../page.ts";
import type { QueryCost, ReadApiSide } from "../read-api.ts";
import { sum } from "../stats.ts";

export interface ProposalRow {
  label: string;
  result: InboundResult;
  outbound: OutboundResult | null;
}

export interface Results {
  cfg: Config;
  machine: { nproc: string; cpu: string; memGiB: string; node: string; kernel: string };
  date: string;
  argv: string[];
  sections: string[];
  totalSeconds?: number;
  inbound?: InboundResult[];
  growth?: Record<number, InboundResult[]>;
  micro?: MicroResult;
  outbound?: OutboundResult[];
  multi?: MultiRow[];
  read?: {
    small: ReadApiSide;
    big: ReadApiSide;
    sparse: ReadApiSide;
    healthCosts: { small: QueryCost[]; big: QueryCost[]; sparse: QueryCost[] };
    perRun: QueryCost[];
  };
  page?: { sizes: AssetSizes; small: PageTimings; big: PageTimings; chromium: string };
  proposals?: { n: number; rows: ProposalRow[]; latency: ProposalRow[]; latencyMs: number };
}

export type Verdict = string;

export interface Row {
  /** Stable key: the figure's first cell, used to carry a row over when its section did not run. */
  figure: string;
  section: string;
  target: string;
  result: string;
  verdict: Verdict;
  command: string;
}

export const k = (n: number) => n.toLocaleString("en-US");
export const ceilPages = (n: number) => Math.ceil(n / 2000);

export function command(r: Results, section: string): string {
  return `\`npm run bench${r.cfg.quick ? " -- --quick" : ""}\` (section \`${section}\`: \`npm run bench --${r.cfg.quick ? " --quick" : ""} --only=${section}\`)`;
}

/** Full batches (the most records any batch of the run read), across runs. */
export function fullBatches(runs: InboundResult[]): BatchCost[] {
  const all = runs.flatMap((r) => r.batches.filter((b) => b.records > 0));
  const max = Math.max(...all.map((b) => b.records));
  return all.filter((b) => b.records === max);
}

/** JavaScript time per record over a whole backfill (every batch, planner excluded). */
export const jsPerRecordUs = (r: InboundResult) => (sum(r.batches.map((b) => b.jsMs)) * 1000) / r.n;
export const processPerRecordUs = (r: InboundResult) => (r.processCpuS * 1e6) / r.n;
