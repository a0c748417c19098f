import { signal } from "@preact/signals";
import { api, errorText } from "../../../api/client";
import type { AuthorizeAnswer, AuthorizeBody, LoginEnvironment } from "../../../api/types";
import { safeHttpUrl } from "../../../lib/safeUrl";
import { loadConnection } from "../../../state/connection";

// The connection card's own state, so the card works wherever it is placed (Overview, Settings).

export type ConnectState =
  | { phase: "idle" | "choosing" | "pending" }
  | { phase: "error"; message: string; field?: "myDomain" };
export type DisconnectState = { phase: "idle" | "confirming" | "pending" } | { phase: "error"; message: string };

export const connectState = signal<ConnectState>({ phase: "idle" });
export const disconnectState = signal<DisconnectState>({ phase: "idle" });

export function resetConnectionCard() {
  connectState.value = { phase: "idle" };
  disconnectState.value = { phase: "idle" };
}

/**
 * Starts Salesforce OAuth at the chosen login host: the server answers with the authorize URL (bound
 * to this page session) and the browser goes there.
 */
export async function startConnect(environment: LoginEnvironment, myDomain: string) {
  if (connectState.peek().phase === "pending") return;
  connectState.value = { phase: "pending" };
  try {
    const body: AuthorizeBody = environment === "custom" ? { environment, myDomain: myDomain.trim() } : { environment };
    const { url } = await api<AuthorizeAnswer>("/connection/authorize", { method: "POST", body });
    const target = safeHttpUrl(url);
    if (!target) throw new Error("bad url");
    location.assign(target);
  } catch (e) {
    const message = errorText(e);
    connectState.value = { phase: "error", message, field: message.includes("'myDomain'") ? "myDomain" : undefined };
  }
}

/** Disconnects after the admin confirmed: Salesforce revokes Conversion's access and syncing stops. */
export async function disconnect() {
  if (disconnectState.peek().phase === "pending") return;
  disconnectState.value = { phase: "pending" };
  try {
    await api<null>("/connection", { method: "DELETE" });
    disconnectState.value = { phase: "idle" };
    await loadConnection();
  } catch (e) {
    disconnectState.value = { phase: "error", message: errorText(e) };
  }
}
