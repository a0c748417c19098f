import { expect, inject } from "vitest";
import { call } from "./helpers";
import { openPage } from "./page-session";

/**
 * Connects a workspace to the fake org through the real flow as Conversion's app does it: our
 * authorize endpoint with the API key, the fake's authorize page (which approves at once), then our
 * callback in a browser signed in to the workspace's page (its session cookie). Returns the callback
 * path and that cookie so tests can replay it.
 */
export async function connectWorkspace(
  ws: { auth: Record<string, string> },
  fakeUrl: string,
): Promise<{ callbackPath: string; cookie: string }> {
  const res = await call("/api/v1/connection/authorize", { method: "POST", headers: ws.auth });
  expect(res.status).toBe(200);
  const { url } = (await res.json()) as { url: string };
  expect(url.startsWith(fakeUrl)).toBe(true);
  const approved = await fetch(url, { redirect: "manual" });
  expect(approved.status).toBe(302);
  const location = new URL(approved.headers.get("location") ?? "");
  const callbackPath = `${location.pathname}${location.search}`;
  const { cookie } = await openPage(ws.auth);
  const done = await call(callbackPath, { redirect: "manual", headers: { cookie } });
  expect(done.status, await done.clone().text()).toBe(302);
  expect(done.headers.get("location")).toBe("/settings/crm?connected=1");
  return { callbackPath, cookie };
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
