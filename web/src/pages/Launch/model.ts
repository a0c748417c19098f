import { signal } from "@preact/signals";

// The launch link is `/launch#token=…`: the fragment never reaches a server, so the token stays out of
// every request log. The page takes it out of the address bar at once and exchanges it with a POST.

type Workspace = { id: string; name: string };

export type LaunchState =
  | { phase: "signing_in" }
  | { phase: "confirm_switch"; current: Workspace; next: Workspace }
  | { phase: "failed"; message: string };

export const launch = signal<LaunchState>({ phase: "signing_in" });

let token: string | null = null;

const OVERVIEW = "/settings/crm";

async function exchange(switchWorkspace: boolean) {
  launch.value = { phase: "signing_in" };
  let res: Response;
  try {
    res = await fetch("/api/v1/session/launch", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(switchWorkspace ? { token, switchWorkspace } : { token }),
    });
  } catch {
    launch.value = {
      phase: "failed",
      message: "Conversion could not be reached. Check your connection and try again.",
    };
    return;
  }
  const data = (await res.json().catch(() => null)) as {
    error?: { code?: string; message?: string; details?: { current?: Workspace; next?: Workspace } };
  } | null;
  if (res.ok) {
    token = null;
    // A full load: the page starts over signed in to the workspace of the link.
    location.replace(OVERVIEW);
    return;
  }
  const err = data?.error;
  const current = err?.details?.current;
  const next = err?.details?.next;
  if (res.status === 409 && err?.code === "switch_workspace" && current && next) {
    launch.value = { phase: "confirm_switch", current, next };
    return;
  }
  launch.value = {
    phase: "failed",
    message:
      res.status === 401
        ? "This sign-in link has already been used or has expired."
        : (err?.message ?? `Sign-in failed (${res.status})`),
  };
}

/** Reads the token from the fragment, removes it from the address bar and history, and signs in. */
export function startLaunch() {
  token = new URLSearchParams(location.hash.slice(1)).get("token");
  history.replaceState(null, "", location.pathname);
  if (!token) {
    launch.value = { phase: "failed", message: "This sign-in link is incomplete." };
    return;
  }
  void exchange(false);
}

export const confirmSwitch = () => exchange(true);

/** Stays in the workspace this browser is signed in to; the link is left unused. */
export function stay() {
  token = null;
  location.replace(OVERVIEW);
}
