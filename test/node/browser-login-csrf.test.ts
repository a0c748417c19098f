// The login CSRF of issue #13, as a victim meets it in a real browser: an attacker sends two links.
// Link 1 is the attacker's launch link (it used to sign the victim's browser in to the attacker's
// workspace without a word); link 2 is an authorize link the attacker started (it used to finish in
// that session and attach the victim's Salesforce org to the attacker's workspace).
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoWorkspace, openPageSession } from "../../scripts/stack.ts";
import { type App, startApp } from "./browser/app.ts";
import { launchChromium } from "./browser/chromium.ts";
import { until, urlIs, visible } from "./browser/wait.ts";

let app: App;
let browser: Browser;
let attacker: { apiKey: string; workspaceId: string };
const VICTIM = "Browser test workspace";
const ATTACKER = "Umbrella Corp";

async function attackerConnection(): Promise<string> {
  const res = await fetch(`${app.stack.appUrl}/api/v1/connection`, {
    headers: { authorization: `Bearer ${attacker.apiKey}` },
  });
  return ((await res.json()) as { status: string }).status;
}

async function attackerLaunchLink(): Promise<string> {
  const res = await fetch(`${app.stack.appUrl}/api/v1/sessions`, {
    method: "POST",
    headers: { authorization: `Bearer ${attacker.apiKey}` },
  });
  return ((await res.json()) as { url: string }).url;
}

/** An authorize URL started from the attacker's own page session (the way the page's Connect starts one). */
async function attackerAuthorizeLink(): Promise<string> {
  const page = await openPageSession(app.stack.appUrl, await attackerLaunchLink());
  const res = await fetch(`${app.stack.appUrl}/api/v1/connection/authorize`, {
    method: "POST",
    headers: { cookie: page.cookie, "x-csrf-token": page.csrfToken, "content-type": "application/json" },
    body: "{}",
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { url: string }).url;
}

/** The victim's browser, signed in to the victim's own workspace; every URL it requests is kept. */
async function victimBrowser(): Promise<{ context: BrowserContext; page: Page; requested: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const requested: string[] = [];
  page.on("request", (r) => requested.push(r.url()));
  await app.signInPage(page);
  await visible(page.getByText(VICTIM));
  return { context, page, requested };
}

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchChromium()]);
  attacker = await createDemoWorkspace(app.stack, ATTACKER);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("two links from an attacker, opened in the victim's Chromium", () => {
  it("link 1 asks before switching, naming both workspaces; link 2 connects nothing even after a switch", async () => {
    const { context, page, requested } = await victimBrowser();
    const launchLink = await attackerLaunchLink();
    const authorizeLink = await attackerAuthorizeLink();

    // Link 1: the page asks, naming the workspace the victim is in and the one the link is for.
    await page.goto(launchLink);
    const question = page.getByRole("heading", { name: `Switch to ${ATTACKER}?` });
    await visible(question);
    await visible(page.getByText(`You are signed in to ${VICTIM}.`, { exact: false }));
    await visible(page.getByRole("button", { name: `Stay in ${VICTIM}` }));
    // The token left the address bar at once; it was never in a URL the browser requested.
    expect(new URL(page.url()).hash).toBe("");
    const token = new URLSearchParams(new URL(launchLink).hash.slice(1)).get("token")!;
    expect(requested.filter((u) => u.includes(token))).toEqual([]);

    // The victim is talked into switching: the browser is now in the attacker's workspace.
    await page.getByRole("button", { name: `Switch to ${ATTACKER}` }).click();
    await urlIs(page, "/settings/crm");
    await visible(page.getByText(ATTACKER));

    // Link 2: Salesforce (the fake org) approves at once and sends the browser to our callback.
    await page.goto(authorizeLink);
    await until("the callback's answer", async () => new URL(page.url()).pathname === "/oauth/salesforce/callback");
    await visible(page.getByRole("heading", { name: "Salesforce was not connected" }));
    await visible(page.getByText("state_session_mismatch"));
    await visible(page.getByText(/nothing was connected/));
    expect(await attackerConnection()).toBe("not_connected");
    await context.close();
  });

  it("staying keeps the victim where they were, and the link is left unused", async () => {
    const { context, page } = await victimBrowser();
    await page.goto(await attackerLaunchLink());
    await page.getByRole("button", { name: `Stay in ${VICTIM}` }).click();
    await urlIs(page, "/settings/crm");
    await visible(page.getByText(VICTIM));
    expect(await page.getByText(ATTACKER).count()).toBe(0);
    // Link 2 in the victim's own session connects nothing to the attacker's workspace either.
    await page.goto(await attackerAuthorizeLink());
    await visible(page.getByText("state_session_mismatch"));
    expect(await attackerConnection()).toBe("not_connected");
    await context.close();
  });
});
