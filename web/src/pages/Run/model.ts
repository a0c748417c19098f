import { computed, effect, signal, untracked } from "@preact/signals";
import { api, ApiError, errorText, isAbort } from "../../api/client";
import type { Run } from "../../api/types";
import { poll } from "../../lib/poll";
import { ensureConnection } from "../../state/connection";
import { PATHS } from "../../app/routes";
import { loc } from "../../router/router";
import { loadRecords, PAGE, recordFilter, records, reloadRecordsQuietly } from "./records";

export const run = signal<Run | null>(null);
export const runPhase = signal<"loading" | "ready" | "error" | "not_found">("loading");
export const runError = signal<string | null>(null);

export type RetryState =
  | { phase: "idle" }
  | { phase: "pending" }
  | { phase: "done"; run: Run | null }
  | { phase: "error"; message: string };
export const retry = signal<RetryState>({ phase: "idle" });

export const canRetry = computed(() => {
  const r = run.value;
  return !!r && r.status !== "in_progress" && r.counts.failed > 0;
});

let ctl: AbortController | null = null;

export async function loadRun(id: string) {
  ctl?.abort();
  const c = (ctl = new AbortController());
  runPhase.value = "loading";
  try {
    run.value = await api<Run>(`/sync/runs/${encodeURIComponent(id)}`, { signal: c.signal });
    runPhase.value = "ready";
  } catch (e) {
    if (isAbort(e)) return;
    runPhase.value = e instanceof ApiError && e.status === 404 ? "not_found" : "error";
    runError.value = errorText(e);
  }
}

/** While a run is in progress its header and first page of records follow it live. */
async function refreshRun(id: string) {
  const before = run.peek();
  if (!before || before.status !== "in_progress") return;
  const fresh = await api<Run>(`/sync/runs/${encodeURIComponent(id)}`);
  if (run.peek()?.id !== id) return;
  run.value = fresh;
  const moved = fresh.status !== before.status || JSON.stringify(fresh.counts) !== JSON.stringify(before.counts);
  if (moved && records.peek().length <= PAGE) await reloadRecordsQuietly(id);
}

export async function retryFailed(id: string) {
  if (retry.peek().phase === "pending") return;
  retry.value = { phase: "pending" };
  try {
    const res = await api<{ run?: Run }>(`/sync/runs/${encodeURIComponent(id)}/retry`, { method: "POST" });
    retry.value = { phase: "done", run: res?.run ?? null };
  } catch (e) {
    retry.value = { phase: "error", message: errorText(e) };
  }
}

export function mountRun(id: string): () => void {
  run.value = null;
  retry.value = { phase: "idle" };
  void loadRun(id);
  ensureConnection();
  const stopRecords = effect(() => {
    recordFilter.value;
    // The URL also changes on the way out; only this run's own URL is a filter change.
    if (loc.value.path !== PATHS.run(id)) return;
    untracked(() => void loadRecords(id));
  });
  const stopLive = poll(() => refreshRun(id), 2500);
  return () => {
    stopRecords();
    stopLive();
    ctl?.abort();
  };
}
