import { signal } from "@preact/signals";
import { api, errorText } from "../../api/client";
import { type Health, parseHealth } from "../../api/health";
import type { ObjectType, SyncNowAnswer, Totals } from "../../api/types";
import { timeZone } from "../../format/time";
import { poll } from "../../lib/poll";
import { loadConnection } from "../../state/connection";
import { resetConnectionCard } from "./ConnectionCard/model";

export const health = signal<Health | null>(null);
export const healthError = signal<string | null>(null);
/** The 7-day and 24-hour picture, counted in the viewer's own days. */
export const totals = signal<Totals | null>(null);
export const totalsError = signal<string | null>(null);

export type ActionState =
  | { phase: "idle" | "pending" }
  | { phase: "done"; queued: ObjectType[] }
  | { phase: "error"; message: string };
export const syncNow = signal<ActionState>({ phase: "idle" });

export async function loadHealth() {
  try {
    health.value = parseHealth(await api<unknown>("/sync/health"));
    healthError.value = null;
  } catch (e) {
    healthError.value = errorText(e);
  }
}

export async function loadTotals() {
  try {
    totals.value = await api<Totals>("/sync/totals", { query: { timeZone } });
    totalsError.value = null;
  } catch (e) {
    totalsError.value = errorText(e);
  }
}

export async function runSyncNow() {
  if (syncNow.peek().phase === "pending") return;
  syncNow.value = { phase: "pending" };
  try {
    const res = await api<SyncNowAnswer | null>("/sync/inbound", { method: "POST" });
    syncNow.value = { phase: "done", queued: res?.queued ?? [] };
    void loadHealth();
  } catch (e) {
    syncNow.value = { phase: "error", message: errorText(e) };
  }
}

/** Something is syncing now: the Overview then follows it every few seconds (a backfill's progress bar). */
const busy = () => {
  const h = health.peek();
  return h?.lastInbound?.status === "in_progress" || !!h?.inboundChecks.some((c) => c.checking);
};

/** Loads the Overview and keeps it current while it is open: every 15 s, every 2.5 s while a sync runs. */
export function mountOverview(): () => void {
  syncNow.value = { phase: "idle" };
  resetConnectionCard();
  void loadConnection();
  void loadHealth();
  void loadTotals();
  let last = Date.now();
  return poll(() => {
    if (!busy() && Date.now() - last < 15000) return;
    last = Date.now();
    return Promise.all([loadHealth(), loadTotals(), loadConnection()]);
  }, 2500);
}
