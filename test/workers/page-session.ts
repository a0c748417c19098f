import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { call, jsonInit } from "./helpers";

export interface PageSession {
  /** The `cv_session` cookie the launch exchange set, ready for a Cookie header. */
  cookie: string;
  /** The full Set-Cookie header, for attribute checks. */
  setCookie: string;
  csrfToken: string;
  /** Headers of a cookie-authenticated request; `mutate` adds the CSRF token. */
  headers(mutate?: boolean): Record<string, string>;
}

/** A launch link for the workspace, minted with its API key: `<PUBLIC_URL>/launch#token=…`. */
export async function launchUrl(auth: Record<string, string>): Promise<string> {
  const res = await call("/api/v1/sessions", { method: "POST", headers: auth });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { url: string }).url;
}

/** The token a launch link carries in its fragment. */
export function launchToken(url: string): string {
  const token = new URLSearchParams(new URL(url).hash.slice(1)).get("token");
  expect(token, url).toEqual(expect.any(String));
  return token!;
}

/** The page's exchange of a launch token, as the page at /launch sends it (from PUBLIC_URL's origin). */
export function exchange(token: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return call(
    "/api/v1/session/launch",
    jsonInit("POST", { token, ...extra }, { origin: env.PUBLIC_URL ?? "", ...headers }),
  );
}

/** Opens the page as a browser would: the launch link, the page's exchange and its cookie, then the CSRF token. */
export async function openPage(auth: Record<string, string>, cookie?: string): Promise<PageSession> {
  const token = launchToken(await launchUrl(auth));
  const launched = await exchange(token, cookie ? { cookie } : {}, cookie ? { switchWorkspace: true } : {});
  expect(launched.status, await launched.clone().text()).toBe(200);
  const setCookie = launched.headers.get("set-cookie") ?? "";
  const sessionCookie = setCookie.split(";")[0]!;
  expect(sessionCookie).toMatch(/^cv_session=.+/);
  const me = await call("/api/v1/session", { headers: { cookie: sessionCookie } });
  expect(me.status).toBe(200);
  const { csrfToken } = (await me.json()) as { csrfToken: string };
  expect(csrfToken).toEqual(expect.any(String));
  return {
    cookie: sessionCookie,
    setCookie,
    csrfToken,
    headers: (mutate = false) => ({ cookie: sessionCookie, ...(mutate ? { "x-csrf-token": csrfToken } : {}) }),
  };
}
