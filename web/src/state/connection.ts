import { signal } from "@preact/signals";
import { api, errorText } from "../api/client";
import type { Connection } from "../api/types";

// Shared by the Overview (status, API usage) and run detail (instanceUrl for Salesforce links).
export const connection = signal<Connection | null>(null);
export const connectionError = signal<string | null>(null);

let pending: Promise<void> | null = null;

export function loadConnection(): Promise<void> {
  pending ??= api<Connection>("/connection")
    .then((c) => {
      connection.value = c;
      connectionError.value = null;
    })
    .catch((e) => {
      connectionError.value = errorText(e);
    })
    .finally(() => {
      pending = null;
    });
  return pending;
}

/** Loads once per page visit; the Overview refreshes it explicitly. */
export function ensureConnection() {
  if (!connection.value && !pending) void loadConnection();
}
