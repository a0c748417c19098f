import { computed, signal } from "@preact/signals";
import { api, errorText, isAbort } from "../../api/client";
import type { RecordStatus, RecordsPage, RunRecord } from "../../api/types";
import { isKeyOf, RECORD_STATUS } from "../../format/labels";
import { mergeById } from "../../lib/byId";
import { query } from "../../router/router";

export const PAGE = 50;

/** The record status filter lives in the URL (?status=), like the activity filters. */
export const recordFilter = computed<RecordStatus | null>(() => {
  const s = query.value.get("status");
  return isKeyOf(RECORD_STATUS, s) ? s : null;
});

export const records = signal<RunRecord[]>([]);
export const recordsCursor = signal<string | null>(null);
export const recordsPhase = signal<"loading" | "ready" | "error">("loading");
export const recordsError = signal<string | null>(null);
export const moreLoading = signal(false);
export const moreError = signal<string | null>(null);

let ctl: AbortController | null = null;
const path = (runId: string) => `/sync/runs/${encodeURIComponent(runId)}/records`;

async function firstPage(runId: string, signal?: AbortSignal) {
  return api<RecordsPage>(path(runId), { query: { status: recordFilter.peek(), limit: PAGE }, signal });
}

export async function loadRecords(runId: string) {
  ctl?.abort();
  const c = new AbortController();
  ctl = c;
  recordsPhase.value = "loading";
  records.value = [];
  moreError.value = null;
  try {
    const page = await firstPage(runId, c.signal);
    records.value = page.records;
    recordsCursor.value = page.nextCursor;
    recordsPhase.value = "ready";
  } catch (e) {
    if (isAbort(e)) return;
    recordsError.value = errorText(e);
    recordsPhase.value = "error";
  }
}

/** Live refresh of the first page without a skeleton, so rows do not flicker while a run progresses. */
export async function reloadRecordsQuietly(runId: string) {
  if (recordsPhase.peek() !== "ready") return;
  const filter = recordFilter.peek();
  const page = await firstPage(runId);
  if (filter !== recordFilter.peek() || recordsPhase.peek() !== "ready") return;
  records.value = page.records;
  recordsCursor.value = page.nextCursor;
}

export async function loadMoreRecords(runId: string) {
  const cursor = recordsCursor.value;
  if (!cursor || moreLoading.value) return;
  const filter = recordFilter.peek();
  moreLoading.value = true;
  moreError.value = null;
  try {
    const page = await api<RecordsPage>(path(runId), { query: { status: filter, limit: PAGE, cursor } });
    if (filter !== recordFilter.peek()) return;
    records.value = mergeById(records.value, page.records);
    recordsCursor.value = page.nextCursor;
  } catch (e) {
    moreError.value = errorText(e);
  } finally {
    moreLoading.value = false;
  }
}
