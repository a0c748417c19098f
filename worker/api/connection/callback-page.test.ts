import { describe, expect, it } from "vitest";
import { approvedCallback } from "../../../test/workers/connect";
import { call, newWorkspace } from "../../../test/workers/helpers";
import { openPage } from "../../../test/workers/page-session";
import { wantsHtml } from "./callback-page";

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

describe("OAuth callback errors in a browser", () => {
  it("a browser coming back from Salesforce gets a page that says why and what to do, an API client the JSON error", async () => {
    const page = await openPage((await newWorkspace()).auth);
    const res = await call("/api/v1/connection/authorize", { method: "POST", headers: page.headers(true) });
    const state = new URL(((await res.json()) as { url: string }).url).searchParams.get("state")!;
    const path = `/oauth/salesforce/callback?error=access_denied&error_description=${encodeURIComponent("<script>alert(1)</script> said no")}&state=${state}`;

    const html = await call(path, { headers: { accept: BROWSER } });
    expect(html.status).toBe(400);
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
    const text = await html.text();
    expect(text).toContain("Salesforce was not connected");
    expect(text).toContain("Salesforce access was not granted");
    expect(text).toContain("Connect again and choose Allow.");
    expect(text).toContain("(Salesforce said access_denied: &lt;script&gt;alert(1)&lt;/script&gt; said no)");
    expect(text).toContain("<code>authorization_denied</code>");
    expect(text).toContain('href="/settings/crm"');
    expect(text).not.toContain("<script>");

    const json = await call(path);
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe("authorization_denied");
  });

  it("a browser in another session (or none) is told, on a page, that nothing was connected", async () => {
    const { callbackPath } = await approvedCallback(await openPage((await newWorkspace()).auth));
    const html = await call(callbackPath, { headers: { accept: BROWSER } });
    expect(html.status).toBe(403);
    const text = await html.text();
    expect(text).toContain("<code>state_session_mismatch</code>");
    expect(text).toContain("nothing was connected");
    expect(text).toContain("click Connect Salesforce there");
  });

  it("tells browsers from API clients by the Accept header", () => {
    expect(wantsHtml(BROWSER)).toBe(true);
    expect(wantsHtml("application/json")).toBe(false);
    expect(wantsHtml("application/json, text/html")).toBe(false);
    expect(wantsHtml(undefined)).toBe(false);
    expect(wantsHtml("*/*")).toBe(false);
  });
});
