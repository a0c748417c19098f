import { describe, expect, it } from "vitest";
import { call, newWorkspace } from "../../../test/workers/helpers";
import { wantsHtml } from "./callback-page";

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

describe("OAuth callback errors in a browser", () => {
  it("a browser coming back from Salesforce gets a page that says why, an API client the JSON error", async () => {
    const ws = await newWorkspace();
    const res = await call("/api/v1/connection/authorize", { method: "POST", headers: ws.auth });
    const state = new URL(((await res.json()) as { url: string }).url).searchParams.get("state")!;
    const path = `/oauth/salesforce/callback?error=access_denied&error_description=${encodeURIComponent("<script>alert(1)</script> said no")}&state=${state}`;

    const page = await call(path, { headers: { accept: BROWSER } });
    expect(page.status).toBe(400);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("Salesforce was not connected");
    expect(html).toContain("Salesforce access was not granted (&lt;script&gt;alert(1)&lt;/script&gt; said no)");
    expect(html).toContain("<code>authorization_denied</code>");
    expect(html).toContain('href="/settings/crm"');
    expect(html).not.toContain("<script>");

    const json = await call(path);
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe("authorization_denied");
  });

  it("a browser without a page session is told to sign in, on a page", async () => {
    const ws = await newWorkspace();
    const res = await call("/api/v1/connection/authorize", { method: "POST", headers: ws.auth });
    const state = new URL(((await res.json()) as { url: string }).url).searchParams.get("state")!;
    const page = await call(`/oauth/salesforce/callback?code=abc&state=${state}`, { headers: { accept: BROWSER } });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain("<code>sign_in_required</code>");
  });

  it("tells browsers from API clients by the Accept header", () => {
    expect(wantsHtml(BROWSER)).toBe(true);
    expect(wantsHtml("application/json")).toBe(false);
    expect(wantsHtml("application/json, text/html")).toBe(false);
    expect(wantsHtml(undefined)).toBe(false);
    expect(wantsHtml("*/*")).toBe(false);
  });
});
