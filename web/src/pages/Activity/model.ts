import { computed, effect, signal, untracked } from "@preact/signals";
import { api } from "../../api/client";
import { parseHealth } from "../../api/health";
import type { InboundCheck, Run, RunsPage } from "../../api/types";
import { PATHS } from "../../app/routes";
import { byStartedDesc, mergeById } from "../../lib/byId";
import { clearList, loadFirstPage, loadNextPage, pagedList, showPage, stopList } from "../../lib/pagedList";
import { poll } from "../../lib/poll";
import { loc } from "../../router/router";
import { filters, filtersKey, rangeInverted, runsQuery } from "./filters";

const PAGE = 25;

export const runList = pagedList<Run>();
const { items: runs, phase } = runList;

export { runs };

/** A page of runs under the URL's filters. */
async function fetchRuns(cursor: string | null, signal?: AbortSignal) {
  const page = await api<RunsPage>("/sync/runs", {
    query: { ...runsQuery(filters.peek()), limit: PAGE, cursor },
    signal,
  });
  return { items: page.runs, nextCursor: page.nextCursor };
}
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

export async function load() {
  const key = filtersKey.peek();
  if (rangeInverted.peek()) {
    clearList(runList, "ready");
    loadedKey.value = key;
    return;
  }
  newRuns.value = [];
  // Coming back to the same filters shows the last list at once and refreshes it quietly.
  const keep = key === loadedKey.peek() && phase.peek() !== "error";
  await loadFirstPage(runList, (signal) => fetchRuns(null, signal), {
    keep,
    shown: () => {
      loadedKey.value = key;
    },
  });
}

export const loadMore = () => loadNextPage(runList, fetchRuns, () => filtersKey.peek());

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
  const page = await fetchRuns(null);
  if (key !== filtersKey.peek() || phase.peek() !== "ready") return;
  const known = new Set(runs.peek().map((r) => r.id));
  const added = page.items.filter((r) => !known.has(r.id));
  if (!runs.peek().length) {
    showPage(runList, page);
    return;
  }
  // Rows already shown take their fresh state in place; new ones wait for "Show".
  runs.value = runs.peek().map((r) => page.items.find((p) => p.id === r.id) ?? r);
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
    stopList(runList);
  };
}
