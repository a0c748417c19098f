import { expect, inject } from "vitest";
import { call, jsonInit } from "./helpers";
import { openPage, type PageSession } from "./page-session";

/** Where to connect: the environment and My Domain of POST /api/v1/connection/authorize. */
export type ConnectChoice = { environment?: "production" | "sandbox" | "custom"; myDomain?: string };

/**
 * Starts connecting from the page (its session and CSRF token) and lets the fake org approve at
 * once; returns the authorize URL and our callback path, with its code and state, as Salesforce
 * redirects the browser back.
 */
export async function approvedCallback(
  page: PageSession,
  choice: ConnectChoice = {},
): Promise<{ authorizeUrl: string; callbackPath: string }> {
  const res = await call("/api/v1/connection/authorize", jsonInit("POST", choice, page.headers(true)));
  expect(res.status, await res.clone().text()).toBe(200);
  const { url } = (await res.json()) as { url: string };
  const approved = await fetch(url, { redirect: "manual" });
  expect(approved.status).toBe(302);
  const location = new URL(approved.headers.get("location") ?? "");
  return { authorizeUrl: url, callbackPath: `${location.pathname}${location.search}` };
}

/**
 * Connects a workspace to the fake org through the real flow, as the admin does it: the page (a
 * launch link from the API key), its Connect (our authorize endpoint with the session and CSRF
 * token), the fake's authorize page (which approves at once), then our callback in the same browser
 * session. Returns the callback path and the page so tests can replay it.
 */
export async function connectWorkspace(
  ws: { auth: Record<string, string> },
  fakeUrl: string,
  choice: ConnectChoice = {},
): Promise<{ callbackPath: string; cookie: string; page: PageSession; authorizeUrl: string }> {
  const page = await openPage(ws.auth);
  const { authorizeUrl, callbackPath } = await approvedCallback(page, choice);
  if (!choice.environment && !choice.myDomain) expect(authorizeUrl.startsWith(fakeUrl)).toBe(true);
  const done = await call(callbackPath, { redirect: "manual", headers: { cookie: page.cookie } });
  expect(done.status, await done.clone().text()).toBe(302);
  expect(done.headers.get("location")).toBe("/settings/crm?connected=1");
  return { callbackPath, cookie: page.cookie, page, authorizeUrl };
}

/** One request the fake org served, from `GET /__fake/calls`. */
export type FakeCall = {
  method: string;
  path: string;
  kind: string;
  status: number;
  query?: string;
  batchSize?: number;
  records?: number;
};

function fakeUrl(path: string): string {
  return `${inject("fakeOrgUrl")}${path}`;
}

async function fakeAdmin(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(fakeUrl(path), {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`fake org ${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

/** Fresh org data, tokens, faults and call log. */
export async function resetFake(): Promise<void> {
  await (await fakeAdmin("POST", "/__fake/reset")).body?.cancel();
}

export async function setFaults(faults: Record<string, unknown>): Promise<void> {
  await (await fakeAdmin("POST", "/__fake/faults", faults)).body?.cancel();
}

export async function clearFaults(): Promise<void> {
  await (await fakeAdmin("DELETE", "/__fake/faults")).body?.cancel();
}

export async function fakeCalls(): Promise<FakeCall[]> {
  const body = (await (await fakeAdmin("GET", "/__fake/calls")).json()) as FakeCall[] | { calls: FakeCall[] };
  return Array.isArray(body) ? body : body.calls;
}
