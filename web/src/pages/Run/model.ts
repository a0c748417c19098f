import { computed, effect, signal, untracked } from "@preact/signals";
import { ApiError, api, errorText, isAbort } from "../../api/client";
import type { RetryAnswer, Run, RunDetail } from "../../api/types";
import { PATHS } from "../../app/routes";
import { poll } from "../../lib/poll";
import { loc } from "../../router/router";
import { ensureConnection } from "../../state/connection";
import { loadRecords, PAGE, recordFilter, recordList, reloadRecordsQuietly } from "./records";

export const run = signal<RunDetail | null>(null);
export const runPhase = signal<"loading" | "ready" | "error" | "not_found">("loading");
export const runError = signal<string | null>(null);

export type RetryState =
  | { phase: "idle" }
  | { phase: "pending" }
  | { phase: "done"; run: Run | null }
  | { phase: "error"; message: string };
export const retry = signal<RetryState>({ phase: "idle" });

/**
 * The run's retry while it stands: in progress or completed. A retry that failed as a whole applied
 * nothing, so the server lets the run be retried again after it (and this is then null).
 */
export const standingRetry = computed(() => {
  const by = run.value?.retriedBy;
  return by && by.status !== "failed" ? by : null;
});

export const canRetry = computed(() => {
  const r = run.value;
  return !!r && r.status !== "in_progress" && r.counts.failed > 0 && !standingRetry.value;
});

let ctl: AbortController | null = null;

export async function loadRun(id: string) {
  ctl?.abort();
  const c = new AbortController();
  ctl = c;
  runPhase.value = "loading";
  try {
    run.value = await api<RunDetail>(`/sync/runs/${encodeURIComponent(id)}`, { signal: c.signal });
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
  if (before?.status !== "in_progress") return;
  const fresh = await api<RunDetail>(`/sync/runs/${encodeURIComponent(id)}`);
  if (run.peek()?.id !== id) return;
  run.value = fresh;
  const moved = fresh.status !== before.status || JSON.stringify(fresh.counts) !== JSON.stringify(before.counts);
  if (moved && recordList.items.peek().length <= PAGE) await reloadRecordsQuietly(id);
}

export async function retryFailed(id: string) {
  if (retry.peek().phase === "pending") return;
  retry.value = { phase: "pending" };
  try {
    const res = await api<RetryAnswer | null>(`/sync/runs/${encodeURIComponent(id)}/retry`, { method: "POST" });
    retry.value = { phase: "done", run: res?.run ?? null };
  } catch (e) {
    if (e instanceof ApiError && e.code === "already_retried") {
      // Retried meanwhile (another tab, another user): show that retry instead of an error.
      retry.value = { phase: "idle" };
      await reloadRunQuietly(id);
      return;
    }
    retry.value = { phase: "error", message: errorText(e) };
  }
}

async function reloadRunQuietly(id: string) {
  try {
    const fresh = await api<RunDetail>(`/sync/runs/${encodeURIComponent(id)}`);
    if (run.peek()?.id === id) run.value = fresh;
  } catch {
    // The page keeps what it shows; the next visit loads it again.
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
