import type { Settings } from "./schema";

/** Three at once: the sync-backfill queue's max_concurrency, so one workspace reads as fast as three batches would. */
export const DEFAULT_PARALLEL_READS = 3;
/**
 * Each parallel read holds a query cursor while it pages; Salesforce lets a user hold 10 (opening an
 * 11th releases the oldest) and the same integration user reads other objects and incremental windows
 * meanwhile: at most 5.
 */
export const MAX_PARALLEL_READS = 5;

/** The deployment's default for a workspace that has not chosen (INBOUND_SLICE_CONCURRENCY, else 3), at most 5. */
export function deploymentParallelReads(env: object): number {
  const raw = (env as { INBOUND_SLICE_CONCURRENCY?: string }).INBOUND_SLICE_CONCURRENCY;
  const n = Number(raw ?? DEFAULT_PARALLEL_READS);
  return Number.isFinite(n) && n >= 1 ? Math.min(MAX_PARALLEL_READS, Math.floor(n)) : DEFAULT_PARALLEL_READS;
}

/** How many slices the workspace's backfill reads at once: its own setting, else the deployment's (1: one stream). */
export function parallelReadsOf(settings: Pick<Settings, "parallelReads">, env: object): number {
  const own = settings.parallelReads;
  return own === undefined ? deploymentParallelReads(env) : Math.min(MAX_PARALLEL_READS, own);
}

/** The settings as the API shows them: the number of parallel reads in effect, chosen or not. */
export function withParallelReads(settings: Settings, env: object): Settings {
  return { ...settings, parallelReads: parallelReadsOf(settings, env) };
}
