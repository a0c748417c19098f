import { computed } from "@preact/signals";
import { api } from "../../api/client";
import type { RecordStatus, RecordsPage, RunRecord } from "../../api/types";
import { isKeyOf, RECORD_STATUS } from "../../format/labels";
import { loadFirstPage, loadNextPage, pagedList, showPage } from "../../lib/pagedList";
import { query } from "../../router/router";

export const PAGE = 50;

/** The record status filter lives in the URL (?status=), like the activity filters. */
export const recordFilter = computed<RecordStatus | null>(() => {
  const s = query.value.get("status");
  return isKeyOf(RECORD_STATUS, s) ? s : null;
});

export const recordList = pagedList<RunRecord>();

/** A page of the run's records under the status filter. */
async function fetchRecords(runId: string, cursor: string | null, signal?: AbortSignal) {
  const page = await api<RecordsPage>(`/sync/runs/${encodeURIComponent(runId)}/records`, {
    query: { status: recordFilter.peek(), limit: PAGE, cursor },
    signal,
  });
  return { items: page.records, nextCursor: page.nextCursor };
}

export const loadRecords = (runId: string) => loadFirstPage(recordList, (signal) => fetchRecords(runId, null, signal));

/** Live refresh of the first page without a skeleton, so rows do not flicker while a run progresses. */
export async function reloadRecordsQuietly(runId: string) {
  if (recordList.phase.peek() !== "ready") return;
  const filter = recordFilter.peek();
  const page = await fetchRecords(runId, null);
  if (filter !== recordFilter.peek() || recordList.phase.peek() !== "ready") return;
  showPage(recordList, page);
}

export const loadMoreRecords = (runId: string) =>
  loadNextPage(
    recordList,
    (cursor) => fetchRecords(runId, cursor),
    () => recordFilter.peek(),
  );
