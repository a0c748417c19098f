import { computed, effect, untracked } from "@preact/signals";
import { api } from "../../api/client";
import type { RecordHistoryEntry, RecordHistoryPage } from "../../api/types";
import { PATHS } from "../../app/routes";
import { CONVERSION_ID } from "../../format/fields";
import { clearList, loadFirstPage, loadNextPage, pagedList, stopList } from "../../lib/pagedList";
import { loc, query } from "../../router/router";
import { ensureConnection } from "../../state/connection";

export const q = computed(() => (query.value.get("q") ?? "").trim());
/** Every record the search found, each with the run it belongs to (description and time beside it). */
export const historyList = pagedList<RecordHistoryEntry>("idle");

/** An email has an "@", a Conversion id its type prefix (ct_…, co_…); anything else is taken as a Salesforce ID. */
const params = (text: string) =>
  text.includes("@") ? { email: text } : CONVERSION_ID.test(text) ? { conversionId: text } : { salesforceId: text };

async function fetchHistory(text: string, cursor: string | null, signal?: AbortSignal) {
  const page = await api<RecordHistoryPage>("/sync/records", { query: { ...params(text), cursor }, signal });
  return { items: page.records, nextCursor: page.nextCursor };
}

export async function search(text: string) {
  if (!text) {
    clearList(historyList, "idle");
    return;
  }
  await loadFirstPage(historyList, (signal) => fetchHistory(text, null, signal));
}

export const loadMore = () =>
  loadNextPage(
    historyList,
    (cursor) => fetchHistory(q.peek(), cursor),
    () => q.peek(),
  );

export function mountHistory(): () => void {
  ensureConnection();
  const stop = effect(() => {
    const text = q.value;
    if (loc.value.path !== PATHS.history) return;
    untracked(() => void search(text));
  });
  return () => {
    stop();
    stopList(historyList);
  };
}
