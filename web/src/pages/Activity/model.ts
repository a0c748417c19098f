import { computed, effect, signal, untracked } from "@preact/signals";
import { api, errorText, isAbort } from "../../api/client";
import { parseHealth } from "../../api/health";
import type { InboundCheck, Run, RunsPage } from "../../api/types";
import { PATHS } from "../../app/routes";
import { byStartedDesc, mergeById } from "../../lib/byId";
import { poll } from "../../lib/poll";
import { loc } from "../../router/router";
import { filters, filtersKey, rangeInverted, runsQuery } from "./filters";

const PAGE = 25;

export const runs = signal<Run[]>([]);
export const nextCursor = signal<string | null>(null);
export const phase = signal<"loading" | "ready" | "error">("loading");
export const error = signal<string | null>(null);
export const moreLoading = signal(false);
export const moreError = signal<string | null>(null);
/**
 * Runs that started since the list was shown, held back so the list does not move under the reader:
 * "N new runs — Show" puts them on top. (Into an empty list they go straight in.)
 */
export const newRuns = signal<Run[]>([]);

/** When each inbound object was last read from Salesforce, for "Last checked … · next check in …". */
export const checks = signal<InboundCheck[]>([]);

async function loadChecks() {
  checks.value = parseHealth(await api<unknown>("/sync/health")).inboundChecks;
}

export const anyInProgress = computed(() => runs.value.some((r) => r.status === "in_progress"));
/** Where "back to Sync activity" links return, filters included. */
export const lastActivityHref = signal(PATHS.activity);

/** The filters the shown list belongs to; while it differs from the URL's, the list is stale. */
export const loadedKey = signal("");
let ctl: AbortController | null = null;

export async function load() {
  ctl?.abort();
  const key = filtersKey.peek();
  if (rangeInverted.peek()) {
    runs.value = [];
    nextCursor.value = null;
    loadedKey.value = key;
    phase.value = "ready";
    return;
  }
  const c = new AbortController();
  ctl = c;
  // Coming back to the same filters shows the last list at once and refreshes it quietly.
  if (key !== loadedKey.peek() || phase.peek() === "error") {
    phase.value = "loading";
    runs.value = [];
  }
  moreError.value = null;
  newRuns.value = [];
  try {
    const page = await api<RunsPage>("/sync/runs", {
      query: { ...runsQuery(filters.peek()), limit: PAGE },
      signal: c.signal,
    });
    runs.value = page.runs;
    nextCursor.value = page.nextCursor;
    loadedKey.value = key;
    phase.value = "ready";
  } catch (e) {
    if (isAbort(e)) return;
    error.value = errorText(e);
    phase.value = "error";
  }
}

export async function loadMore() {
  const cursor = nextCursor.value;
  if (!cursor || moreLoading.value) return;
  const key = filtersKey.peek();
  moreLoading.value = true;
  moreError.value = null;
  try {
    const page = await api<RunsPage>("/sync/runs", { query: { ...runsQuery(filters.peek()), limit: PAGE, cursor } });
    if (key !== filtersKey.peek()) return;
    runs.value = mergeById(runs.value, page.runs);
    nextCursor.value = page.nextCursor;
  } catch (e) {
    moreError.value = errorText(e);
  } finally {
    moreLoading.value = false;
  }
}

/** Re-reads each in-progress run so its counts, progress and status move without a reload. */
async function refreshInProgress() {
  const live = runs
    .peek()
    .filter((r) => r.status === "in_progress")
    .slice(0, 10);
  if (!live.length || phase.peek() !== "ready") return;
  const key = filtersKey.peek();
  const fresh = await Promise.all(live.map((r) => api<Run>(`/sync/runs/${encodeURIComponent(r.id)}`).catch(() => r)));
  if (key === filtersKey.peek()) runs.value = mergeById(runs.peek(), fresh);
}

/** Picks up runs that started since the list loaded, at the top, and refreshes the first page's rows. */
async function refreshTop() {
  if (phase.peek() !== "ready" || rangeInverted.peek()) return;
  const key = filtersKey.peek();
  const page = await api<RunsPage>("/sync/runs", { query: { ...runsQuery(filters.peek()), limit: PAGE } });
  if (key !== filtersKey.peek() || phase.peek() !== "ready") return;
  const known = new Set(runs.peek().map((r) => r.id));
  const added = page.runs.filter((r) => !known.has(r.id));
  if (!runs.peek().length) {
    runs.value = page.runs;
    nextCursor.value = page.nextCursor;
    return;
  }
  // Rows already shown take their fresh state in place; new ones wait for "Show".
  runs.value = runs.peek().map((r) => page.runs.find((p) => p.id === r.id) ?? r);
  if (added.length) newRuns.value = mergeById(newRuns.peek(), added).sort(byStartedDesc);
}

/** "Show": the held-back runs join the top of the list. */
export function showNewRuns() {
  runs.value = mergeById(newRuns.peek(), runs.peek()).sort(byStartedDesc);
  newRuns.value = [];
}

/** Starts loading and live updates for the mounted Sync activity page; returns the cleanup. */
export function mountActivity(): () => void {
  const stopLoad = effect(() => {
    filtersKey.value;
    // The URL also changes on the way out to another page; only this page's own URL is a filter change.
    if (loc.value.path !== PATHS.activity) return;
    lastActivityHref.value = PATHS.activity + loc.value.search;
    untracked(load);
  });
  const stopLive = poll(() => anyInProgress.peek() && refreshInProgress(), 2500);
  const stopTop = poll(refreshTop, 5000);
  void loadChecks().catch(() => undefined);
  const stopChecks = poll(loadChecks, 15000);
  return () => {
    stopLoad();
    stopLive();
    stopTop();
    stopChecks();
    ctl?.abort();
  };
}
