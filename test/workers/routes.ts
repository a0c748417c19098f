// Every route of the API (README "The API"), plus the few the app serves beside it (second API keys, the page's
// /session, its launch exchange and sign-out, the OpenAPI document), each with a valid sample request. The tenancy, bad-input
// and header tests iterate this list, and bad-input.test.ts checks it against the routes the app
// serves, so a route added to the app without an entry here fails a test instead of going untested.

import { expect } from "vitest";
import { ADMIN, call, jsonInit, newWorkspace } from "./helpers";
import { seedRecords, seedRun } from "./read-api-seed";

export type Guard = "admin" | "workspace" | "public";

/** Ids of objects that exist and belong to the caller, to fill the samples' paths. */
export interface Ids {
  workspaceId: string;
  keyId: string;
  runId: string;
  contactId: string;
  companyId: string;
  salesforceId: string;
  email: string;
}

/** What the path's `{id}` names: a cross-tenant test puts another workspace's object there. */
export type Owned = "run" | "contact" | "company" | "workspace";

export interface ApiRoute {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** As in the OpenAPI document: `/api/v1/sync/runs/{id}`. */
  path: string;
  guard: Guard;
  owns?: Owned;
  /** Lists: the response's array property; they all take `limit` and `cursor`. */
  list?: string;
  /** Routes that take a JSON body. */
  body?: "required";
  /** Query parameters of a valid request (besides paging). */
  query?: (ids: Ids) => Record<string, string>;
  /** A valid body. */
  sample?: (ids: Ids) => unknown;
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

export const ROUTES: ApiRoute[] = [
  {
    method: "POST",
    path: "/api/v1/admin/workspaces",
    guard: "admin",
    body: "required",
    sample: () => ({ name: "Routes Co" }),
  },
  { method: "POST", path: "/api/v1/admin/workspaces/{id}/api-keys", guard: "admin", owns: "workspace" },
  { method: "DELETE", path: "/api/v1/admin/workspaces/{id}/api-keys/{keyId}", guard: "admin", owns: "workspace" },
  { method: "POST", path: "/api/v1/sessions", guard: "workspace" },
  { method: "GET", path: "/api/v1/session", guard: "workspace" },
  { method: "POST", path: "/api/v1/session/logout", guard: "workspace" },
  {
    method: "POST",
    path: "/api/v1/session/launch",
    guard: "public",
    body: "required",
    sample: () => ({ token: "not-a-launch-token" }),
  },
  { method: "GET", path: "/api/v1/connection", guard: "workspace" },
  {
    method: "POST",
    path: "/api/v1/connection/authorize",
    guard: "workspace",
    sample: () => ({ environment: "production" }),
  },
  { method: "DELETE", path: "/api/v1/connection", guard: "workspace" },
  { method: "GET", path: "/api/v1/settings", guard: "workspace" },
  {
    method: "PATCH",
    path: "/api/v1/settings",
    guard: "workspace",
    body: "required",
    sample: () => ({ syncIntervalMinutes: 5 }),
  },
  { method: "GET", path: "/api/v1/settings/catalog", guard: "workspace", query: () => ({ refresh: "false" }) },
  { method: "GET", path: "/api/v1/settings/push", guard: "workspace" },
  { method: "POST", path: "/api/v1/settings/push/secret", guard: "workspace" },
  {
    // Salesforce's push: its own secret, not an API key (salesforce-push.test.ts covers it with one).
    method: "POST",
    path: "/api/v1/salesforce/push/{id}",
    guard: "public",
    owns: "workspace",
    body: "required",
    sample: () => ({ object: "Lead" }),
  },
  { method: "POST", path: "/api/v1/sync/inbound", guard: "workspace" },
  { method: "POST", path: "/api/v1/sync/reconcile", guard: "workspace", sample: () => ({ objects: ["Lead"] }) },
  {
    method: "GET",
    path: "/api/v1/sync/runs",
    guard: "workspace",
    list: "runs",
    query: () => ({
      direction: "inbound",
      objectType: "contact",
      status: "completed",
      from: "2026-01-01",
      to: "2099-12-31",
    }),
  },
  { method: "GET", path: "/api/v1/sync/runs/{id}", guard: "workspace", owns: "run" },
  {
    method: "GET",
    path: "/api/v1/sync/runs/{id}/records",
    guard: "workspace",
    owns: "run",
    list: "records",
    query: () => ({ status: "success" }),
  },
  { method: "GET", path: "/api/v1/sync/runs/{id}/records.csv", guard: "workspace", owns: "run" },
  { method: "POST", path: "/api/v1/sync/runs/{id}/retry", guard: "workspace", owns: "run" },
  { method: "GET", path: "/api/v1/sync/health", guard: "workspace" },
  {
    method: "GET",
    path: "/api/v1/sync/totals",
    guard: "workspace",
    query: () => ({ timeZone: "Europe/Berlin", days: "7" }),
  },
  {
    method: "GET",
    path: "/api/v1/sync/records",
    guard: "workspace",
    list: "records",
    query: (ids) => ({ salesforceId: ids.salesforceId }),
  },
  {
    method: "GET",
    path: "/api/v1/contacts",
    guard: "workspace",
    list: "contacts",
    query: (ids) => ({ email: ids.email }),
  },
  {
    method: "POST",
    path: "/api/v1/contacts",
    guard: "workspace",
    body: "required",
    sample: () => ({ email: `new-${unique()}@example.com`, firstName: "New" }),
  },
  {
    method: "POST",
    path: "/api/v1/contacts:batch",
    guard: "workspace",
    body: "required",
    sample: (ids) => ({ items: [{ id: ids.contactId, title: "Engineer" }, { email: `new-${unique()}@example.com` }] }),
  },
  { method: "GET", path: "/api/v1/contacts/{id}", guard: "workspace", owns: "contact" },
  {
    method: "PATCH",
    path: "/api/v1/contacts/{id}",
    guard: "workspace",
    owns: "contact",
    body: "required",
    sample: () => ({ title: "Engineer" }),
  },
  { method: "DELETE", path: "/api/v1/contacts/{id}", guard: "workspace", owns: "contact" },
  { method: "GET", path: "/api/v1/companies", guard: "workspace", list: "companies" },
  {
    method: "POST",
    path: "/api/v1/companies",
    guard: "workspace",
    body: "required",
    sample: () => ({ name: `Company ${unique()}` }),
  },
  {
    method: "POST",
    path: "/api/v1/companies:batch",
    guard: "workspace",
    body: "required",
    sample: (ids) => ({ items: [{ id: ids.companyId, industry: "Energy" }, { name: `Company ${unique()}` }] }),
  },
  { method: "GET", path: "/api/v1/companies/{id}", guard: "workspace", owns: "company" },
  {
    method: "PATCH",
    path: "/api/v1/companies/{id}",
    guard: "workspace",
    owns: "company",
    body: "required",
    sample: () => ({ industry: "Energy" }),
  },
  { method: "DELETE", path: "/api/v1/companies/{id}", guard: "workspace", owns: "company" },
  { method: "GET", path: "/api/v1/opportunities", guard: "workspace", list: "opportunities" },
  { method: "GET", path: "/api/v1/events", guard: "workspace", list: "events" },
  { method: "GET", path: "/api/v1/openapi.json", guard: "public" },
  {
    method: "GET",
    path: "/oauth/salesforce/callback",
    guard: "public",
    query: () => ({ code: "not-a-code", state: "not.a-state" }),
  },
];

export const workspaceRoutes = ROUTES.filter((r) => r.guard === "workspace");
export const adminRoutes = ROUTES.filter((r) => r.guard === "admin");
export const label = (r: ApiRoute) => `${r.method} ${r.path}`;

/** The credentials a route takes: the admin token, the given workspace's key, or none. */
export function authFor(r: ApiRoute, workspace: { auth: Record<string, string> }): Record<string, string> {
  return r.guard === "admin" ? ADMIN : r.guard === "workspace" ? workspace.auth : {};
}

/** The id `owns` names, for filling `{id}`. */
export function ownedId(r: ApiRoute, ids: Ids): string {
  const byKind: Record<Owned, string> = {
    run: ids.runId,
    contact: ids.contactId,
    company: ids.companyId,
    workspace: ids.workspaceId,
  };
  return r.owns ? byKind[r.owns] : "";
}

/**
 * The route's URL with its path filled in and `query` merged over the sample's query. `id` replaces
 * the `{id}` (already encoded as the caller wants it: tests pass raw SQL or path characters).
 */
export function urlOf(
  r: ApiRoute,
  ids: Ids,
  opts: { id?: string; query?: Record<string, string> | string } = {},
): string {
  const path = r.path
    .replace("{id}", opts.id ?? encodeURIComponent(ownedId(r, ids)))
    .replace("{keyId}", encodeURIComponent(ids.keyId));
  const search =
    typeof opts.query === "string"
      ? opts.query
      : new URLSearchParams({ ...(r.query?.(ids) ?? {}), ...(opts.query ?? {}) }).toString();
  return search ? `${path}?${search}` : path;
}

/** A request init for the route: the sample body as JSON unless `body` (raw text or a value) is given. */
export function initOf(r: ApiRoute, ids: Ids, headers: Record<string, string>, body?: unknown): RequestInit {
  const value = body === undefined ? r.sample?.(ids) : body;
  if (value === undefined) return { method: r.method, headers };
  return {
    method: r.method,
    headers: { "content-type": "application/json", ...headers },
    body: typeof value === "string" ? value : JSON.stringify(value),
  };
}

/** A workspace with a finished run, a running one, two contacts (one holding `taken@example.com`) and a company. */
export async function workspaceWithObjects(name: string) {
  const ws = await newWorkspace(name);
  const finished = await seedRun(ws.id, "2026-11-20T08:00:00.000Z");
  await seedRecords(ws.id, finished.id, [{ status: "success" }]);
  const running = await seedRun(ws.id, "2026-11-21T08:00:00.000Z", { status: "in_progress" });
  const create = async (path: string, body: unknown) => {
    const res = await call(`/api/v1${path}`, jsonInit("POST", body, ws.auth));
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const taken = await create("/contacts", { email: "taken@example.com" });
  const other = await create("/contacts", { email: "other@example.com" });
  const company = await create("/companies", { name: "Fixture Co" });
  const ids: Ids = {
    workspaceId: ws.id,
    keyId: "key_does_not_exist",
    runId: finished.id,
    contactId: taken,
    companyId: company,
    salesforceId: "0035g00000XyZaBAAV",
    email: "taken@example.com",
  };
  return { ws, ids, use: { finishedRun: finished.id, runningRun: running.id, otherContact: other } };
}

export type Fixture = Awaited<ReturnType<typeof workspaceWithObjects>>;
