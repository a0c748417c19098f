// Salesforce data is not ours: markup in a record's name must reach the page as text, and the page
// and the API must carry a Content-Security-Policy that would stop injected code anyway.
import type { Browser, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, type Run, startApp } from "./browser/app.ts";
import { launchChromium } from "./browser/chromium.ts";
import { recordItems, visible } from "./browser/wait.ts";

const IMG = "<img src=x onerror=alert(1)>";
const SCRIPT = "<script>alert(1)</script>";
const BACKFILL_RUNS = 6;

let app: App;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];
const responses: Response[] = [];
const cspViolations: string[] = [];
let leadRun: Run;
let contactRun: Run;

/** A Lead named like markup without an email (skipped), and a Contact named like markup that syncs. */
async function addMarkupRecords() {
  const accounts = await app.fake<{ records: { Id: string; Do_Not_Sync__c: boolean; Name: string }[] }>(
    "GET",
    "records/Account",
  );
  const account = accounts.records.find((a) => !a.Do_Not_Sync__c && !a.Name.includes("<"))!;
  await app.fake("POST", "records", { object: "Lead", records: [{ LastName: IMG, Company: SCRIPT }] });
  await app.fake("POST", "records", {
    object: "Contact",
    records: [{ FirstName: SCRIPT, LastName: IMG, Email: "markup@example.com", AccountId: account.Id }],
  });
}

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchChromium()]);
  await app.call("/sync/inbound", "POST");
  await app.settled(BACKFILL_RUNS);
  await addMarkupRecords();
  await app.call("/sync/inbound", "POST");
  const runs = await app.settled(BACKFILL_RUNS + 2);
  const incremental = runs.filter((r) => r.kind === "incremental");
  leadRun = incremental.find((r) => r.salesforceObject === "Lead")!;
  contactRun = incremental.find((r) => r.salesforceObject === "Contact")!;

  page = await (await browser.newContext({ locale: "en-US" })).newPage();
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("response", (r) => void responses.push(r));
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** Opens a run and waits for its single record; returns that record's heading text. */
async function recordLabelOf(run: Run): Promise<string> {
  await page.goto(`${app.stack.appUrl}/settings/crm/activity/runs/${encodeURIComponent(run.id)}`);
  await visible(recordItems(page));
  expect(await recordItems(page).count()).toBe(1);
  return recordItems(page).locator(".record__label").innerText();
}

describe("markup from Salesforce on the page", () => {
  it("shows a record named like HTML as literal text, and runs none of it", async () => {
    await app.signInPage(page);
    await visible(page.getByRole("heading", { name: "Overview" }));

    expect(leadRun.counts).toMatchObject({ skipped: 1 });
    expect(await recordLabelOf(leadRun)).toBe(IMG);
    await visible(recordItems(page).getByText("Missing email address"));
    await visible(page.getByText(IMG, { exact: true }));

    expect(contactRun.counts).toMatchObject({ created: 1 });
    expect(await recordLabelOf(contactRun)).toBe(`${SCRIPT} ${IMG} <markup@example.com>`);

    // The record history search renders the same labels through another path.
    await page.getByRole("tab", { name: "Record history" }).click();
    await page.getByLabel("Salesforce ID, email or Conversion ID").fill("markup@example.com");
    await page.getByRole("button", { name: "Search" }).click();
    await visible(recordItems(page).getByText(`${SCRIPT} ${IMG} <markup@example.com>`));

    // An <img src=x> that became markup would have fetched "x" and fired its onerror by now.
    await page.waitForLoadState("networkidle");
    expect(await page.locator("img[src=x]").count()).toBe(0);
    expect(
      await page.evaluate(() => [...document.scripts].filter((s) => s.textContent?.includes("alert")).length),
    ).toBe(0);
    expect(responses.filter((r) => new URL(r.url()).pathname.endsWith("/x"))).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it("serves the page and the API with a Content-Security-Policy, and the page breaks none of it", async () => {
    const csp = (r: Response) => r.headers()["content-security-policy"] ?? null;
    const path = (r: Response) => new URL(r.url()).pathname;
    const documents = responses.filter((r) => r.request().resourceType() === "document" && r.status() === 200);
    const assets = responses.filter((r) => path(r).startsWith("/assets/"));
    const apiCalls = responses.filter((r) => path(r).startsWith("/api/"));
    expect(documents.length).toBeGreaterThan(0);
    expect(assets.map(path)).toEqual(
      expect.arrayContaining([expect.stringMatching(/\.js$/), expect.stringMatching(/\.css$/)]),
    );
    expect(apiCalls.length).toBeGreaterThan(0);

    for (const r of [...documents, ...assets])
      expect(csp(r), path(r)).toMatch(/default-src 'self'.*object-src 'none'.*frame-ancestors 'none'/);
    for (const r of apiCalls) expect(csp(r), path(r)).toMatch(/default-src 'none'/);
    expect(cspViolations).toEqual([]);
  });
});
