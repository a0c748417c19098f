// Sync activity in real Chromium against the Worker served by wrangler dev and the fake org: the
// empty state, runs arriving live, filters in the URL, a run's records, retry, CSV, screenshots.
import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, type Run, SMALL_ORG, startApp } from "./browser/app.ts";
import { launchChromium } from "./browser/chromium.ts";
import { takeScreenshots, timeToFirstRunRow } from "./browser/screens.ts";
import { countIs, recordItems, runRow, runRows, until, urlIs, visible } from "./browser/wait.ts";

// 2,001 accounts make the companies backfill two pages, so it can be held in progress while the
// second page is slow; everything else stays small.
const ORG = { ...SMALL_ORG, Account: 2001 };
const BACKFILL_RUNS = 6;
const ACTIVITY = "/settings/crm/activity";

let app: App;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let leadRun: Run;
let brokenLeadId: string;

const text = (t: string | RegExp) => page.getByText(t);

/**
 * One lead per inbound skip reason the run detail must show (the seeded data has most of them, but
 * by chance), and one whose FirstName arrives as a number: malformed data, so there is something to retry.
 */
async function addDefectiveLeads(): Promise<string> {
  const contacts = await app.fake<{ records: { Id: string }[] }>("GET", "records/Contact");
  const lead = (LastName: string, fields: Record<string, unknown>) => ({ LastName, Company: "Defects Inc", ...fields });
  const { ids } = await app.fake<{ ids: string[] }>("POST", "records", {
    object: "Lead",
    records: [
      lead("Broken", { Email: "broken@example.com" }),
      lead("Noemail", {}),
      lead("Bademail", { Email: "bad@@example..com" }),
      lead("Excluded", { Email: "excluded@example.com", Do_Not_Sync__c: true }),
      lead("Converted", {
        Email: "converted@example.com",
        IsConverted: true,
        ConvertedContactId: contacts.records[0]!.Id,
      }),
    ],
  });
  return ids[0]!;
}

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp({ counts: ORG }), launchChromium()]);
  context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: "en-US",
    timezoneId: "Europe/Berlin",
  });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("Sync activity in Chromium", () => {
  it("opens the Overview from the launch link, with the connection shown", async () => {
    const connection = await app.call<{ orgId: string; username: string }>("/connection");
    await app.signInPage(page);
    await visible(page.getByRole("heading", { name: "Overview" }));
    const card = page.locator("section.card", { has: page.getByRole("heading", { name: "Salesforce connection" }) });
    await visible(card.getByText("Connected", { exact: true }));
    await visible(card.getByText(connection.orgId));
    await visible(card.getByText(connection.username));
    await visible(card.getByRole("button", { name: "Sync now" }));
  });

  it("shows the empty state before anything has synced", async () => {
    await page.getByRole("tab", { name: "Sync activity" }).click();
    await urlIs(page, ACTIVITY);
    await visible(text("No sync activity yet"));
    await visible(text("Activity appears here automatically once data begins syncing."));
  });

  it("shows runs arriving without a reload after Sync now, and an in-progress run turning Completed", async () => {
    brokenLeadId = await addDefectiveLeads();
    // Account's second page answers 10 s late: the companies run, opened with its first page, stays in
    // progress that long whatever else the batch asks Salesforce first (describe, other objects).
    await app.fake("POST", "faults", {
      corruptRecords: [{ id: brokenLeadId, set: { FirstName: 42 } }],
      slowPages: { object: "Account", latencyMs: 10_000, morePagesOnly: true },
    });
    await page.evaluate(() => {
      window.__sameDocument = true;
    });

    // Sync now on the Overview in a second tab; this tab stays on Sync activity, untouched.
    const overview = await context.newPage();
    await overview.goto(`${app.stack.appUrl}/settings/crm`);
    await overview.getByRole("button", { name: "Sync now" }).click();
    await visible(overview.getByText(/^Sync started for Companies, Contacts/));
    await overview.close();

    // The first runs go straight into the empty list; runs that start while the list is shown wait
    // behind "N new runs — Show" instead of shifting it, so the reader shows them as they come.
    const notice = page.getByRole("button", { name: /new runs? — Show/ });
    const showNew = async () => {
      if (await notice.count()) await notice.click();
    };
    const companies = runRows(page).filter({ hasText: "Synced companies from Salesforce" });
    const inProgress = companies.getByText("In progress", { exact: true });
    await until("the companies run listed In progress", async () => (await showNew(), inProgress.isVisible()), 20_000);
    await visible(text("Updating live"));
    await visible(companies.getByText("Completed", { exact: true }), 20_000);
    await until(
      `${BACKFILL_RUNS} runs listed`,
      async () => (await showNew(), (await runRows(page).count()) === BACKFILL_RUNS),
      30_000,
    );
    await until(
      "every run Completed",
      async () => (await runRows(page).getByText("Completed", { exact: true }).count()) === BACKFILL_RUNS,
    );
    expect(await page.evaluate(() => window.__sameDocument)).toBe(true);

    const runs = await app.settled(BACKFILL_RUNS);
    leadRun = runs.find((r) => r.salesforceObject === "Lead")!;
    expect(leadRun.counts).toMatchObject({ failed: 1, deleted: 0 });
    // Each entry: description, status, the five counts, duration, local time and View.
    const row = runRow(page, leadRun.id);
    await visible(row.getByText("Synced contacts from Salesforce (initial backfill)"));
    for (const label of ["Created", "Updated", "Deleted", "Skipped", "Failed"])
      await visible(row.getByText(label, { exact: true }));
    await visible(row.locator(`time[datetime="${leadRun.startedAt}"]`));
    await visible(row.getByRole("button", { name: "View" }));
  });

  it("loads the activity list quickly (benchmark)", async () => {
    const ms = await timeToFirstRunRow(page, `${app.stack.appUrl}${ACTIVITY}`);
    console.log(`[bench] Chromium: navigation start → first run row on Sync activity: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(10_000);
  });

  it("narrows by direction, object type and date range, kept in the URL through a reload and Back", async () => {
    await countIs(runRows(page), BACKFILL_RUNS);
    await page.getByRole("tab", { name: "Outbound (Conversion → Salesforce)" }).click();
    await visible(text("No runs match these filters"));
    await urlIs(page, `${ACTIVITY}?direction=outbound`);
    await page.getByRole("tab", { name: "Inbound (Salesforce → Conversion)" }).click();
    await urlIs(page, `${ACTIVITY}?direction=inbound`);
    await countIs(runRows(page), BACKFILL_RUNS);

    await page.selectOption("#filter-object", "company");
    await urlIs(page, `${ACTIVITY}?direction=inbound&objectType=company`);
    await countIs(runRows(page), 1);
    await visible(runRows(page).getByText("Synced companies from Salesforce (initial backfill)"));

    await page.fill("#filter-from", "2020-01-01");
    await page.fill("#filter-to", "2020-01-31");
    await visible(text("No runs match these filters"));
    await urlIs(page, `${ACTIVITY}?direction=inbound&objectType=company&from=2020-01-01&to=2020-01-31`);

    await page.reload();
    await visible(text("No runs match these filters"));
    expect(await page.inputValue("#filter-object")).toBe("company");
    expect(await page.inputValue("#filter-from")).toBe("2020-01-01");
    expect(await page.inputValue("#filter-to")).toBe("2020-01-31");
    expect(
      await page.getByRole("tab", { name: "Inbound (Salesforce → Conversion)" }).getAttribute("aria-selected"),
    ).toBe("true");

    await page.goBack();
    await urlIs(page, `${ACTIVITY}?direction=inbound&objectType=company&from=2020-01-01`);
    await countIs(runRows(page), 1);
    // Today, in the browser's zone, is the inputs' upper bound; a range ending today keeps the run.
    const today = await page.getAttribute("#filter-to", "max");
    await page.fill("#filter-to", today!);
    await countIs(runRows(page), 1);
    await page.fill("#filter-from", today!);
    await countIs(runRows(page), 1);

    await page.getByRole("button", { name: "Clear filters" }).click();
    await urlIs(page, `${ACTIVITY}?direction=inbound`);
    await countIs(runRows(page), BACKFILL_RUNS);
  });

  it("opens a run: records with their messages and explanations, and the status filter", async () => {
    await page.selectOption("#filter-object", "contact");
    await countIs(runRows(page), 2);
    await runRow(page, leadRun.id).getByRole("button", { name: "View" }).click();
    await urlIs(page, `${ACTIVITY}/runs/${leadRun.id}`);
    await visible(page.getByRole("heading", { name: "Synced contacts from Salesforce (initial backfill)" }));
    const facts = page.locator(".run-header__facts");
    await visible(facts.getByText("Leads", { exact: true }));
    await visible(facts.getByText("Contacts", { exact: true }));
    await visible(text("First sync (backfill)"));
    await countIs(recordItems(page), 50);

    await page.getByRole("tab", { name: "Skipped" }).click();
    await urlIs(page, `${ACTIVITY}/runs/${leadRun.id}?status=skipped`);
    await countIs(recordItems(page), leadRun.counts.skipped);
    expect(await recordItems(page).locator(".badge").allInnerTexts()).toEqual(
      Array(leadRun.counts.skipped).fill("Skipped"),
    );
    // Each record's message and its explanation, worded as the catalogue (worker/sync/reasons.ts).
    const shown = new Set(await recordItems(page).locator(".record__reason").allInnerTexts());
    expect([...shown]).toEqual(
      expect.arrayContaining([
        "Do not sync — The record is flagged to not sync into Conversion (for example, excluded by sync rules).",
        "Invalid email address — The Lead or Contact has an invalid email address (for example, it contains invalid characters).",
        "Lead already converted — This Lead has been converted to a Contact in Salesforce.",
        "Missing email address — The Lead or Contact has no email address. Contacts in Conversion must have an email address.",
      ]),
    );

    await page.getByRole("tab", { name: "Failed" }).click();
    await countIs(recordItems(page), 1);
    await visible(recordItems(page).getByText("Malformed data"));
    await visible(recordItems(page).getByText(brokenLeadId));
  });

  it("retries the failed records as a new run", async () => {
    await app.fake("DELETE", "faults");
    await page.getByRole("button", { name: "Retry failed records" }).click();
    await visible(text("Retry started."));
    await page.getByRole("link", { name: "View the new run" }).click();
    await visible(page.getByRole("heading", { name: "Retried failed records: synced contacts from Salesforce" }));
    const header = page.locator(".run-header");
    await visible(header.getByText("Completed", { exact: true }));
    await visible(header.getByText("Retry of failed records"));
    await countIs(recordItems(page), 1);
    await visible(recordItems(page).getByText(brokenLeadId));
    await visible(recordItems(page).getByText("Success", { exact: true }));
    await visible(header.getByRole("link", { name: "the original run" }));
    await page.goBack();
    await urlIs(page, `${ACTIVITY}/runs/${leadRun.id}?status=failed`);
    // Retried once: the original says so and links to the retry, and offers no second retry.
    await visible(text("Retried"));
    expect(await page.getByRole("button", { name: "Retry failed records" }).count()).toBe(0);
    const retryLink = page.getByRole("link", { name: "View the retry run" });
    const retryRun = (await app.runs()).find((r) => r.kind === "retry")!;
    expect(await retryLink.getAttribute("href")).toBe(`${ACTIVITY}/runs/${retryRun.id}`);
  });

  it("downloads the run's records as CSV with the page's session, filtered as the list is", async () => {
    const link = page.getByRole("link", { name: "Download CSV" });
    // Still on the Failed tab: the file holds the failed records only.
    expect(await link.getAttribute("href")).toBe(`/api/v1/sync/runs/${leadRun.id}/records.csv?status=failed`);
    const [failedOnly] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(failedOnly.suggestedFilename()).toBe(`run-${leadRun.id}-failed.csv`);
    const failedLines = readFileSync((await failedOnly.path())!, "utf8")
      .trimEnd()
      .split("\r\n");
    expect(failedLines).toHaveLength(1 + leadRun.counts.failed);
    expect(failedLines[1]).toContain(brokenLeadId);

    await page.getByRole("tab", { name: "All" }).click();
    await urlIs(page, `${ACTIVITY}/runs/${leadRun.id}`);
    const href = await link.getAttribute("href");
    expect(href).toBe(`/api/v1/sync/runs/${leadRun.id}/records.csv`);
    const res = await page.request.get(`${app.stack.appUrl}${href}`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toMatch(/^text\/csv/);

    // A real click, as a user would: the browser saves the file under the server's name.
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe(`run-${leadRun.id}.csv`);
    const lines = readFileSync((await download.path())!, "utf8")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toBe(
      "id,salesforceId,salesforceObject,conversionId,label,action,status,reasonCode,reasonMessage,explanation," +
        "salesforceStatusCode,salesforceMessage,externalCreatedAt,externalUpdatedAt,changes",
    );
    const { created, updated, skipped, failed } = leadRun.counts;
    expect(lines).toHaveLength(1 + created + updated + skipped + failed);
    const broken = lines.find((l) => l.includes(brokenLeadId))!;
    expect(broken).toContain(",Lead,");
    expect(broken).toContain(",failed,malformed_data,Malformed data,");
    expect(lines.filter((l) => l.includes(",skipped,missing_email,Missing email address,")).length).toBeGreaterThan(0);
  });

  it("takes screenshots of the Overview, the list and a run (1280 px and 360 px)", async () => {
    const shots = await takeScreenshots(page, app.stack.appUrl, leadRun.id);
    expect(shots).toHaveLength(6);
    for (const shot of shots) expect(shot.scrollWidth, `${shot.path} scrolls sideways`).toBeLessThanOrEqual(shot.width);
  });

  it("Reconnect Salesforce asks where the org signs in, goes through Salesforce and back to a connected page", async () => {
    const before = await app.call<{ connectedAt: string }>("/connection");
    await page.goto(`${app.stack.appUrl}/settings/crm`);
    await page.getByRole("button", { name: "Reconnect Salesforce" }).click();
    const form = page.getByRole("form", { name: /Connect Salesforce to Browser test workspace/ });
    await visible(form);
    await form.getByRole("radio", { name: /Sandbox/ }).check();
    await form.getByRole("button", { name: "Continue to Salesforce" }).click();
    // The callback needs this browser's session cookie: Salesforce's redirect back must carry it.
    await urlIs(page, "/settings/crm?connected=1");
    const card = page.locator("section.card", { has: page.getByRole("heading", { name: "Salesforce connection" }) });
    await visible(card.getByText("Connected", { exact: true }));
    await visible(card.getByText("Sandbox", { exact: true }));
    const after = await app.call<{ status: string; connectedAt: string; environment: string }>("/connection");
    expect(after.status).toBe("connected");
    expect(after.environment).toBe("sandbox");
    expect(Date.parse(after.connectedAt)).toBeGreaterThan(Date.parse(before.connectedAt));
  });

  it("a My Domain that is not one is refused next to its field; Cancel closes the form", async () => {
    await page.goto(`${app.stack.appUrl}/settings/crm`);
    await page.getByRole("button", { name: "Reconnect Salesforce" }).click();
    const form = page.getByRole("form", { name: /Connect Salesforce to/ });
    await form.getByRole("radio", { name: /My Domain/ }).check();
    await form.getByLabel("My Domain login URL").fill("https://evil.example.com");
    await form.getByRole("button", { name: "Continue to Salesforce" }).click();
    await visible(form.getByText(/must be your org's My Domain login URL/));
    expect(new URL(page.url()).pathname).toBe("/settings/crm");
    await form.getByRole("button", { name: "Cancel" }).click();
    await visible(page.getByRole("button", { name: "Reconnect Salesforce" }));
  });
});
