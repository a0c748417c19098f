import { signal } from "@preact/signals";
import { api, errorText, sessionExpired, setCsrfToken } from "../api/client";
import type { Session } from "../api/types";

export const session = signal<Session | null>(null);
export const sessionError = signal<string | null>(null);

/** The page's first request: who is signed in, and the CSRF token every mutation must carry. */
export async function loadSession() {
  sessionError.value = null;
  try {
    const s = await api<Session>("/session");
    setCsrfToken(s.csrfToken ?? "");
    session.value = s;
  } catch (e) {
    if (!sessionExpired.value) sessionError.value = errorText(e);
  }
}
