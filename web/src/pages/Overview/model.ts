import { signal } from "@preact/signals";
import { api, errorText } from "../../api/client";
import { type Health, parseHealth } from "../../api/health";
import { poll } from "../../lib/poll";
import { loadConnection } from "../../state/connection";
import { resetConnectionCard } from "./ConnectionCard/model";

export const health = signal<Health | null>(null);
export const healthError = signal<string | null>(null);

export type ActionState =
  | { phase: "idle" | "pending" }
  | { phase: "done"; queued: string[] }
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

export async function runSyncNow() {
  if (syncNow.peek().phase === "pending") return;
  syncNow.value = { phase: "pending" };
  try {
    const res = await api<{ queued?: string[] }>("/sync/inbound", { method: "POST" });
    syncNow.value = { phase: "done", queued: res?.queued ?? [] };
    void loadHealth();
  } catch (e) {
    syncNow.value = { phase: "error", message: errorText(e) };
  }
}

/** Loads the Overview and keeps its health card current while it is open. */
export function mountOverview(): () => void {
  syncNow.value = { phase: "idle" };
  resetConnectionCard();
  void loadConnection();
  void loadHealth();
  return poll(() => Promise.all([loadHealth(), loadConnection()]), 15000);
}
