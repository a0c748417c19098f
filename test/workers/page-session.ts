import { expect } from "vitest";
import { call } from "./helpers";

export interface PageSession {
  /** The `cv_session` cookie the launch link set, ready for a Cookie header. */
  cookie: string;
  /** The full Set-Cookie header, for attribute checks. */
  setCookie: string;
  csrfToken: string;
  /** Headers of a cookie-authenticated request; `mutate` adds the CSRF token. */
  headers(mutate?: boolean): Record<string, string>;
}

/** A launch link for the workspace (`origin` sets the host the link is opened on). */
export async function launchUrl(auth: Record<string, string>, origin = "http://localhost"): Promise<string> {
  const res = await call(`${origin}/api/v1/sessions`, { method: "POST", headers: auth });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { url: string }).url;
}

/** Opens the page as a browser would: the launch link, its cookie, then the CSRF token from /session. */
export async function openPage(auth: Record<string, string>, origin = "http://localhost"): Promise<PageSession> {
  const launched = await call(await launchUrl(auth, origin), { redirect: "manual" });
  expect(launched.status, await launched.clone().text()).toBe(302);
  const setCookie = launched.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0]!;
  expect(cookie).toMatch(/^cv_session=.+/);
  const me = await call(`${origin}/api/v1/session`, { headers: { cookie } });
  expect(me.status).toBe(200);
  const { csrfToken } = (await me.json()) as { csrfToken: string };
  expect(csrfToken).toEqual(expect.any(String));
  return {
    cookie,
    setCookie,
    csrfToken,
    headers: (mutate = false) => ({ cookie, ...(mutate ? { "x-csrf-token": csrfToken } : {}) }),
  };
}
