import { computed, effect, signal, untracked } from "@preact/signals";
import { api, errorText, isAbort } from "../../api/client";
import type { RecordHistoryEntry, RecordHistoryPage, Run } from "../../api/types";
import { PATHS } from "../../app/routes";
import { CONVERSION_ID } from "../../format/fields";
import { mergeById } from "../../lib/byId";
import { loc, query } from "../../router/router";
import { ensureConnection } from "../../state/connection";

type RunInfo = RecordHistoryEntry["run"];

export const q = computed(() => (query.value.get("q") ?? "").trim());
export const records = signal<RecordHistoryEntry[]>([]);
export const cursor = signal<string | null>(null);
export const phase = signal<"idle" | "loading" | "ready" | "error">("idle");
export const error = signal<string | null>(null);
export const moreLoading = signal(false);
export const moreError = signal<string | null>(null);
/** Runs the records belong to, for the description and time beside each one. */
export const runsById = signal<Record<string, RunInfo>>({});

/** An email has an "@", a Conversion id its type prefix (ct_…, co_…); anything else is taken as a Salesforce ID. */
const params = (text: string) =>
  text.includes("@") ? { email: text } : CONVERSION_ID.test(text) ? { conversionId: text } : { salesforceId: text };

let ctl: AbortController | null = null;

async function fetchPage(text: string, after: string | null, signal?: AbortSignal) {
  const page = await api<RecordHistoryPage>("/sync/records", { query: { ...params(text), cursor: after }, signal });
  const found: Record<string, RunInfo> = {};
  for (const r of page.records) if (r.run) found[r.run.id] = r.run;
  runsById.value = { ...runsById.peek(), ...found };
  void fillRuns(page.records);
  return page;
}

/** Fetches the runs a page of records points at when the API did not embed them (few per record). */
async function fillRuns(list: RecordHistoryEntry[]) {
  const missing = [...new Set(list.map((r) => r.runId))].filter((id) => !runsById.peek()[id]).slice(0, 20);
  const runs = await Promise.all(
    missing.map((id) => api<Run>(`/sync/runs/${encodeURIComponent(id)}`).catch(() => null)),
  );
  const add: Record<string, RunInfo> = {};
  for (const r of runs) if (r) add[r.id] = r;
  if (Object.keys(add).length) runsById.value = { ...runsById.peek(), ...add };
}

export async function search(text: string) {
  ctl?.abort();
  records.value = [];
  cursor.value = null;
  moreError.value = null;
  if (!text) {
    phase.value = "idle";
    return;
  }
  const c = new AbortController();
  ctl = c;
  phase.value = "loading";
  try {
    const page = await fetchPage(text, null, c.signal);
    records.value = page.records;
    cursor.value = page.nextCursor;
    phase.value = "ready";
  } catch (e) {
    if (isAbort(e)) return;
    error.value = errorText(e);
    phase.value = "error";
  }
}

export async function loadMore() {
  const text = q.peek();
  if (!cursor.value || moreLoading.value) return;
  moreLoading.value = true;
  moreError.value = null;
  try {
    const page = await fetchPage(text, cursor.value);
    if (text !== q.peek()) return;
    records.value = mergeById(records.value, page.records);
    cursor.value = page.nextCursor;
  } catch (e) {
    moreError.value = errorText(e);
  } finally {
    moreLoading.value = false;
  }
}

export function mountHistory(): () => void {
  ensureConnection();
  const stop = effect(() => {
    const text = q.value;
    if (loc.value.path !== PATHS.history) return;
    untracked(() => void search(text));
  });
  return () => {
    stop();
    ctl?.abort();
  };
}
