import { type Signal, signal } from "@preact/signals";
import { errorText, isAbort } from "../api/client";
import { mergeById } from "./byId";

// The state every cursor-paged list on the page carries (Sync activity's runs, a run's records, record
// history), as signals, and the plain functions that move it: show the first page, load the next one.

/** One page of a list, whatever the API calls its items (`runs`, `records`). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type ListPhase = "idle" | "loading" | "ready" | "error";

export interface PagedList<T> {
  items: Signal<T[]>;
  /** Where the next page starts; null at the end. */
  cursor: Signal<string | null>;
  /** The first page's state: "loading" shows a skeleton, "error" the error with a retry. */
  phase: Signal<ListPhase>;
  error: Signal<string | null>;
  /** "Load more" apart from the first page: its failure keeps the list and shows beside the button. */
  moreLoading: Signal<boolean>;
  moreError: Signal<string | null>;
  /** The first-page request in flight; a newer one aborts it. */
  ctl: AbortController | null;
}

export function pagedList<T>(phase: ListPhase = "loading"): PagedList<T> {
  return {
    items: signal<T[]>([]),
    cursor: signal<string | null>(null),
    phase: signal(phase),
    error: signal<string | null>(null),
    moreLoading: signal(false),
    moreError: signal<string | null>(null),
    ctl: null,
  };
}

/** Drops the first-page request in flight (a newer query, or the page unmounting). */
export function stopList(list: PagedList<unknown>) {
  list.ctl?.abort();
}

/** Empties the list without a request: no query yet ("idle"), or one the API need not be asked ("ready"). */
export function clearList(list: PagedList<unknown>, phase: ListPhase) {
  stopList(list);
  list.items.value = [];
  list.cursor.value = null;
  list.moreError.value = null;
  list.phase.value = phase;
}

/** Shows a first page in place of what the list held. */
export function showPage<T>(list: PagedList<T>, page: Page<T>) {
  list.items.value = page.items;
  list.cursor.value = page.nextCursor;
  list.phase.value = "ready";
}

/**
 * Loads and shows the first page, replacing any load still in flight. `keep` leaves the shown items up
 * while it loads (the same query again, refreshed quietly) instead of a skeleton; `shown` runs as the page
 * is shown. An abort (a newer load replaced this one) is not an error.
 */
export async function loadFirstPage<T>(
  list: PagedList<T>,
  fetchPage: (signal: AbortSignal) => Promise<Page<T>>,
  opts: { keep?: boolean; shown?: () => void } = {},
) {
  stopList(list);
  const c = new AbortController();
  list.ctl = c;
  if (!opts.keep) {
    list.phase.value = "loading";
    list.items.value = [];
    list.cursor.value = null;
  }
  list.moreError.value = null;
  try {
    const page = await fetchPage(c.signal);
    opts.shown?.();
    showPage(list, page);
  } catch (e) {
    if (isAbort(e)) return;
    list.error.value = errorText(e);
    list.phase.value = "error";
  }
}

/**
 * "Load more": appends the next page (an item already shown is replaced, as pages can overlap while runs
 * arrive). `query` names what the list shows; a page that comes back after it changed is dropped.
 */
export async function loadNextPage<T extends { id: string }>(
  list: PagedList<T>,
  fetchPage: (cursor: string) => Promise<Page<T>>,
  query: () => unknown,
) {
  const cursor = list.cursor.value;
  if (!cursor || list.moreLoading.value) return;
  const asked = query();
  list.moreLoading.value = true;
  list.moreError.value = null;
  try {
    const page = await fetchPage(cursor);
    if (asked !== query()) return;
    list.items.value = mergeById(list.items.value, page.items);
    list.cursor.value = page.nextCursor;
  } catch (e) {
    list.moreError.value = errorText(e);
  } finally {
    list.moreLoading.value = false;
  }
}
