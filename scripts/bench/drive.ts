// Driving the app the way a customer does: through its HTTP API, the fake org's admin endpoints,
// and (read-only) the D1 database to see when runs have settled.

import type { CallEntry } from "../../test/fake-salesforce/src/calls.ts";
import { connectPage } from "../stack.ts";
import { ADMIN_TOKEN, type App } from "./app.ts";
import type { Tally } from "./instrumented-entry.ts";

export interface Workspace {
  id: string;
  apiKey: string;
}

export async function api<T = any>(app: App, path: string, token: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${app.url}${path}`, {
    ...init,
    redirect: "manual",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers ?? {}) },
  }).catch((err: Error) => {
    // undici says only "fetch failed"; the reason is its cause.
    throw new Error(
      `${init.method ?? "GET"} ${path}: ${err.message} (${String((err.cause as Error)?.message ?? err.cause)})`,
    );
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${init.method ?? "GET"} ${path} → ${res.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : null) as T;
}

export async function fake<T = any>(app: App, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${app.fake.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`fake ${method} ${path} → ${res.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : null) as T;
}

export const ALL_OBJECTS = [
  "Account",
  "Lead",
  "Contact",
  "Opportunity",
  "OpportunityContactRole",
  "Conversion_Event__c",
];

export function onlyObjects(...enabled: string[]) {
  return { objects: Object.fromEntries(ALL_OBJECTS.map((o) => [o, { enabled: enabled.includes(o) }])) };
}

/** Fresh fake-org data: only the given counts (others 0), no defects unless asked. */
export async function resetOrg(app: App, counts: Record<string, number>, defects = false) {
  const zero = Object.fromEntries(ALL_OBJECTS.map((o) => [o, 0]));
  return fake(app, "POST", "/__fake/reset", { seed: 7, defects, counts: { ...zero, ...counts } });
}

/** admin → workspace → OAuth connect through the fake's authorize redirect → settings. */
export async function newConnectedWorkspace(
  app: App,
  name: string,
  settings?: Record<string, unknown>,
): Promise<Workspace> {
  const created = await api<{ apiKey: string; workspace: { id: string } }>(
    app,
    "/api/v1/admin/workspaces",
    ADMIN_TOKEN,
    {
      method: "POST",
      body: JSON.stringify({ name }),
    },
  );
  const ws = { id: created.workspace.id, apiKey: created.apiKey };
  // As the admin connects: a launch link opens the page, whose Connect starts OAuth in that session.
  // Miniflare's server sometimes closes a kept-alive socket under load as the client reuses it: the
  // connect is begun again with a new link (connecting the same org again changes nothing).
  for (let attempt = 1; ; attempt++) {
    try {
      const { url } = await api<{ url: string }>(app, "/api/v1/sessions", ws.apiKey, { method: "POST" });
      await connectPage(app.url, url);
      break;
    } catch (err) {
      const text = `${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? "")}`;
      if (attempt >= 3 || !/ECONNRESET|other side closed|socket|fetch failed/i.test(text)) throw err;
    }
  }
  if (settings) await api(app, "/api/v1/settings", ws.apiKey, { method: "PATCH", body: JSON.stringify(settings) });
  return ws;
}

/** Waits until no lease is held and no run is in progress for the workspace. */
export async function settle(app: App, workspaceId: string, timeoutMs = 900_000, pollMs = 100) {
  const deadline = Date.now() + timeoutMs;
  const stmt = app.db.prepare(
    `SELECT (SELECT count(*) FROM sync_state WHERE workspace_id = ?1 AND lease_owner IS NOT NULL)
          + (SELECT count(*) FROM runs WHERE workspace_id = ?1 AND status = 'in_progress') AS n`,
  );
  for (;;) {
    const busy = await stmt.bind(workspaceId).first<{ n: number }>();
    if (busy?.n === 0) return;
    if (Date.now() > deadline) throw new Error(`workspace ${workspaceId} did not settle in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** One queue invocation as the measuring wrapper tallied it. */
export type Invocation = Tally;

/** The measuring wrapper's per-queue-invocation tallies (instrumented-entry.ts). */
export async function invocations(app: App, clear = false): Promise<Invocation[]> {
  const res = await fetch(`${app.url}/api/__bench/invocations`, { method: clear ? "DELETE" : "GET" });
  return (await res.json()) as Invocation[];
}

/** One request the fake org logged (its own call-log entry). */
export type FakeCall = CallEntry;

export const fakeCalls = (app: App) => fake<FakeCall[]>(app, "GET", "/__fake/calls");
export const clearFakeCalls = (app: App) => fake(app, "DELETE", "/__fake/calls");
