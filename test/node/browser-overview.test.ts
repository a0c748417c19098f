// The Overview's words, pictures and progress in real Chromium against the Worker and the fake org:
// a 20,000-Lead backfill's progress bar, the 7-day chart and its click-through, "Last checked",
// the "N new runs — Show" notice, tabs by keyboard, axe-core over every screen, and screenshots of
// every screen at 1280 px and 360 px.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoWorkspace, signInLink } from "../../scripts/stack.ts";
import { type App, type Run, SMALL_ORG, signInPage, startApp } from "./browser/app.ts";
import { axeViolations } from "./browser/axe.ts";
import { launchChromium } from "./browser/chromium.ts";
import { type Screen, shootScreens } from "./browser/screens.ts";
import { countIs, pathAndQuery, recordItems, runRows, until, urlIs, visible } from "./browser/wait.ts";

const ORG = { ...SMALL_ORG, Lead: 20_000 };
const OVERVIEW = "/settings/crm";
const ACTIVITY = "/settings/crm/activity";
const SETTINGS = "/settings/crm/settings";
/** The Settings screen once the org's fields from describe are in its pickers. */
const settingsReady = async (p: Page) => {
  await visible(p.getByRole("heading", { name: "Field mapping", exact: true }));
  await until(
    "the org's fields",
    async () => (await p.getByLabel("Salesforce field for Title").inputValue()) === "Title",
  );
};

let app: App;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let leadRun: Run;
let emptyLink: string;
let brokenId: string;
/** The six backfill runs' counts added up, and how many runs have failures: what the chart must show. */
let sums: Record<string, number>;
let runsWithFailures: number;
const fmt = new Intl.NumberFormat("en-GB");

/** Zero axe-core violations on the page as it is now. */
async function expectAccessible(what: string) {
  const violations = await axeViolations(page);
  expect(violations, `${what}:\n${JSON.stringify(violations, null, 1)}`).toEqual([]);
}

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp({ counts: ORG }), launchChromium()]);
  // A second workspace that never connected and never synced: the empty screens.
  const empty = await createDemoWorkspace(app.stack, "Empty workspace");
  emptyLink = await signInLink(app.stack, empty.apiKey);
  context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: "en-GB",
    timezoneId: "Asia/Kolkata",
  });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("an empty workspace", () => {
  it("shows the Overview and an empty Sync activity, with no accessibility violations", async () => {
    const tab = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await tab.newPage();
    await signInPage(p, emptyLink);
    await visible(p.getByRole("button", { name: "Connect Salesforce" }));
    await visible(p.getByText("0 created · 0 updated · 0 deleted · 0 skipped · 0 failed"));
    await visible(p.getByText("Nothing synced in the last 7 days."));
    // Not connected: no "Last checked" to tell.
    expect(await p.getByText("Salesforce checks").count()).toBe(0);
    const swap = page;
    page = p;
    try {
      await expectAccessible("empty Overview");
      await p.goto(`${app.stack.appUrl}${ACTIVITY}`);
      await visible(p.getByText("No sync activity yet"));
      await expectAccessible("empty Sync activity");
      await p.goto(`${app.stack.appUrl}${SETTINGS}`);
      await visible(p.getByRole("heading", { name: "Field mapping", exact: true }));
      await expectAccessible("Settings of a workspace with no connection");
      await shootScreens(p, app.stack.appUrl, [
        {
          name: "empty-overview",
          path: OVERVIEW,
          ready: (q) => visible(q.getByRole("button", { name: "Connect Salesforce" })),
        },
        { name: "empty-activity", path: ACTIVITY, ready: (q) => visible(q.getByText("No sync activity yet")) },
        {
          name: "empty-settings",
          path: SETTINGS,
          ready: (q) => visible(q.getByRole("heading", { name: "Field mapping", exact: true })),
        },
      ]);
    } finally {
      page = swap;
      await tab.close();
    }
  });
});

describe("a 20,000-Lead backfill", () => {
  it("shows its progress bar moving on Sync activity, then the bar goes away", async () => {
    await app.signInPage(page);
    // One Lead that fails (its FirstName arrives as a number): the chart has a failure to click.
    const { ids } = await app.fake<{ ids: string[] }>("POST", "records", {
      object: "Lead",
      records: [{ LastName: "Broken", Company: "Defects Inc", Email: "broken@example.com" }],
    });
    brokenId = ids[0]!;
    // Each page of Leads takes 0.8 s: ten pages of 2,000 take long enough to watch.
    await app.fake("POST", "faults", {
      corruptRecords: [{ id: brokenId, set: { FirstName: 42 } }],
      slowPages: { object: "Lead", latencyMs: 800, times: 20 },
    });
    // The backfill reads through queryAll, so the Leads in the recycle bin are records it reads too.
    const stats = await app.fake<{ counts: Record<string, number>; deleted: Record<string, number> }>("GET", "stats");
    const total = stats.counts.Lead! + stats.deleted.Lead!;

    await page.goto(`${app.stack.appUrl}${ACTIVITY}`);
    await visible(page.getByText("No sync activity yet"));
    await app.call("/sync/inbound", "POST");

    const bar = page.locator("li.run-entry progress");
    const seen = new Set<number>();
    let label = "";
    await until(
      "the Leads backfill's progress bar to move",
      async () => {
        // Runs that start after the list is shown wait behind the notice.
        const notice = page.getByRole("button", { name: /new runs? — Show/ });
        if (await notice.count()) await notice.click();
        if (await bar.count()) {
          // A short timeout: the bar may go between count() and the read.
          const value = Number(await bar.first().getAttribute("value", { timeout: 1000 }));
          expect(Number(await bar.first().getAttribute("max", { timeout: 1000 }))).toBe(total);
          if (value > 0) seen.add(value);
          label = await page.locator("li.run-entry .progress__label").first().innerText({ timeout: 1000 });
        }
        return seen.size >= 2;
      },
      120_000,
    );
    expect(label).toMatch(
      new RegExp(`^[\\d,]+ of ${total.toLocaleString("en-GB")} records · (about .+ left|less than a minute left)$`),
    );
    expect(Math.max(...seen)).toBeLessThan(total);
    await until("the progress bar to go", async () => (await bar.count()) === 0, 120_000);
    const runs = await app.settled(6);
    leadRun = runs.find((r) => r.salesforceObject === "Lead")!;
    expect(leadRun.counts.failed).toBe(1);
    sums = Object.fromEntries(
      ["created", "updated", "deleted", "skipped", "failed"].map((k) => [
        k,
        runs.reduce((n, r) => n + r.counts[k]!, 0),
      ]),
    );
    runsWithFailures = runs.filter((r) => r.counts.failed > 0 || r.status === "failed").length;
    await app.fake("DELETE", "faults");
  });
});

describe("words instead of codes", () => {
  it("names objects in words on Sync activity and in a run", async () => {
    await page.goto(`${app.stack.appUrl}${ACTIVITY}`);
    await countIs(runRows(page), 6);
    const text = await page.locator("ul.run-list").innerText();
    for (const code of ["OpportunityContactRole", "Conversion_Event__c"]) expect(text).not.toContain(code);
    for (const words of ["Leads", "Contacts", "Accounts", "Opportunities", "Opportunity contact roles", "Events"])
      expect(text).toContain(words);
  });

  it("lists what changed by field label, Conversion ids linking to that record's history", async () => {
    const contactRun = (await app.runs()).find((r) => r.salesforceObject === "Contact")!;
    await page.goto(`${app.stack.appUrl}${ACTIVITY}/runs/${contactRun.id}`);
    await visible(page.getByRole("heading", { name: "Synced contacts from Salesforce (initial backfill)" }));
    await visible(recordItems(page));
    const first = recordItems(page)
      .filter({ has: page.locator(".record__changes a") })
      .first();
    await visible(first.getByText("What changed"));
    const changes = await first.locator(".record__changes").innerText();
    expect(changes).toContain("First name:");
    expect(changes).not.toMatch(/firstName|companyId/);
    // The contact's company is a Conversion id: a link to the company's sync history.
    const company = first.locator(".record__changes a", { hasText: /^co_/ });
    const id = (await company.innerText()).split(/\s/)[0]!;
    await company.click();
    await until(`the company's history (at ${pathAndQuery(page)})`, async () =>
      pathAndQuery(page).startsWith("/settings/crm/history"),
    );
    console.log("history link", id, pathAndQuery(page), await company.count());
    await urlIs(page, `/settings/crm/history?q=${id}`);
    await visible(recordItems(page));
    expect(await recordItems(page).first().innerText()).toContain("Account");
    await expectAccessible("record history");
  });
});

describe("the Overview", () => {
  it("shows the last 7 days: today's records, and a day's failures open Sync activity narrowed to them", async () => {
    await page.goto(`${app.stack.appUrl}${OVERVIEW}`);
    const chart = page.locator("section.chart");
    await visible(chart.getByRole("heading", { name: "Last 7 days" }));
    const summary = await chart.locator(".chart__summary").innerText();
    expect(summary).toBe(
      `${fmt.format(sums.created!)} created · ${fmt.format(sums.updated!)} updated · ${fmt.format(sums.deleted!)} deleted · ` +
        `${fmt.format(sums.skipped!)} skipped · ${fmt.format(sums.failed!)} failed`,
    );
    // Seven days, in the viewer's zone: the table says so.
    await chart.getByText("Show the numbers as a table").click();
    await countIs(chart.locator("tbody tr"), 7);
    await chart.getByRole("button", { name: "24 hours" }).click();
    await visible(chart.getByRole("heading", { name: "Last 24 hours" }));
    await countIs(chart.locator("tbody tr"), 24);
    await expectAccessible("Overview with the hourly chart and its table open");
    await chart.getByRole("button", { name: "7 days" }).click();

    const today = await page.evaluate(() => new Date().toLocaleDateString("en-CA"));
    await chart.getByRole("link", { name: new RegExp(`^${sums.failed} failed on .+: show these runs$`) }).click();
    await urlIs(page, `${ACTIVITY}?from=${today}&to=${today}&has=failed`);
    await countIs(runRows(page), runsWithFailures);
    await visible(runRows(page).filter({ hasText: "Leads" }));
    expect(await page.inputValue("#filter-has")).toBe("failed");
    await expectAccessible("Sync activity narrowed to a day's failures");
  });

  it("says when Salesforce was last checked and when the next check is due, per object", async () => {
    await page.goto(`${app.stack.appUrl}${OVERVIEW}`);
    const checks = page.locator(".health__checks li");
    await countIs(checks, 6);
    for (const object of ["Accounts", "Leads", "Contacts", "Opportunities", "Opportunity contact roles", "Events"])
      await visible(checks.filter({ hasText: object }));
    const leads = await checks.filter({ hasText: "Leads" }).innerText();
    expect(leads).toMatch(
      /Last checked (just now|\d+ min ago) · next check (in \d+ min|in less than a minute|due now)/,
    );
    await page.goto(`${app.stack.appUrl}${ACTIVITY}`);
    await visible(page.getByText(/^Salesforce: Last checked/));
  });

  it("says which direction each top reason is from", async () => {
    await page.goto(`${app.stack.appUrl}${OVERVIEW}`);
    const reasons = page.locator(".health__reasons li");
    await visible(reasons);
    for (const line of await reasons.locator(".reason__count").allInnerTexts()) expect(line).toMatch(/^Inbound · /);
  });
});

describe("Sync activity", () => {
  it("holds runs that start while the list is shown behind a “new runs — Show” notice", async () => {
    await page.goto(`${app.stack.appUrl}${ACTIVITY}`);
    await countIs(runRows(page), 6);
    await app.fake("PATCH", "records", { object: "Lead", records: [{ Id: brokenId, Title: "CTO" }] });
    await app.call("/sync/inbound", "POST");
    const notice = page.getByRole("button", { name: "1 new run — Show" });
    await visible(notice, 30_000);
    // The list did not move under the reader.
    await countIs(runRows(page), 6);
    await notice.click();
    await countIs(runRows(page), 7);
    await visible(runRows(page).first().getByText("Synced contacts from Salesforce"));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("run-list");
  });

  it("moves between tabs with the arrow keys and opens one with Enter or Space", async () => {
    await page.goto(`${app.stack.appUrl}${ACTIVITY}`);
    const all = page.getByRole("tab", { name: "All" });
    await all.focus();
    await page.keyboard.press("ArrowRight");
    const inbound = page.getByRole("tab", { name: "Inbound (Salesforce → Conversion)" });
    expect(await inbound.evaluate((el) => el === document.activeElement)).toBe(true);
    // Focus moved; the page did not.
    expect(pathAndQuery(page)).toBe(ACTIVITY);
    await page.keyboard.press("Enter");
    await urlIs(page, `${ACTIVITY}?direction=inbound`);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press(" ");
    await urlIs(page, `${ACTIVITY}?direction=outbound`);

    // The section tabs too: an arrow key does not change the page.
    const sections = page.getByRole("tab", { name: "Sync activity" });
    await sections.focus();
    await page.keyboard.press("ArrowLeft");
    expect(pathAndQuery(page)).toBe(`${ACTIVITY}?direction=outbound`);
    await page.keyboard.press("Enter");
    await urlIs(page, OVERVIEW);
  });
});

describe("every screen", () => {
  it("has no accessibility violations, also in an error state", async () => {
    await page.goto(`${app.stack.appUrl}${OVERVIEW}`);
    await visible(page.locator("section.chart svg"));
    await expectAccessible("Overview");
    await page.goto(`${app.stack.appUrl}${ACTIVITY}`);
    await countIs(runRows(page), 7);
    await expectAccessible("Sync activity");
    await page.goto(`${app.stack.appUrl}${ACTIVITY}/runs/${leadRun.id}?status=failed`);
    await countIs(recordItems(page), 1);
    await expectAccessible("run detail");
    await page.goto(`${app.stack.appUrl}/settings/crm/history?q=broken%40example.com`);
    await visible(recordItems(page));
    await expectAccessible("record history");
    await page.goto(`${app.stack.appUrl}${SETTINGS}`);
    await settingsReady(page);
    await expectAccessible("Settings");

    // The API failing: the screens say so, and stay accessible.
    await page.route("**/api/v1/sync/**", (route) =>
      route.fulfill({
        status: 500,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "internal_error", message: "Something went wrong on our side" } }),
      }),
    );
    try {
      await page.goto(`${app.stack.appUrl}${ACTIVITY}`);
      await visible(page.getByRole("button", { name: "Try again" }));
      await expectAccessible("Sync activity, API failing");
      await page.goto(`${app.stack.appUrl}${OVERVIEW}`);
      await visible(page.getByRole("button", { name: "Try again" }));
      await expectAccessible("Overview, API failing");
      await page.goto(`${app.stack.appUrl}/settings/crm/history?q=broken%40example.com`);
      await visible(page.getByRole("button", { name: "Try again" }));
      await expectAccessible("Record history, API failing");
      await shootScreens(page, app.stack.appUrl, [
        { name: "error-overview", path: OVERVIEW, ready: (p) => visible(p.getByRole("button", { name: "Try again" })) },
        { name: "error-activity", path: ACTIVITY, ready: (p) => visible(p.getByRole("button", { name: "Try again" })) },
      ]);
    } finally {
      await page.unroute("**/api/v1/sync/**");
    }
  });

  it("takes screenshots of every screen at 1280 px and 360 px, none scrolling sideways", async () => {
    const screens: Screen[] = [
      { name: "overview", path: OVERVIEW, ready: (p) => visible(p.locator("section.chart svg")) },
      { name: "activity", path: ACTIVITY, ready: (p) => visible(runRows(p)) },
      {
        name: "activity-failures",
        path: `${ACTIVITY}?has=failed`,
        ready: (p) => visible(runRows(p)),
      },
      {
        name: "run",
        path: `${ACTIVITY}/runs/${leadRun.id}?status=skipped`,
        ready: (p) => visible(recordItems(p)),
      },
      {
        name: "history",
        path: "/settings/crm/history?q=broken%40example.com",
        ready: (p) => visible(recordItems(p)),
      },
      { name: "settings", path: SETTINGS, ready: settingsReady },
    ];
    const shots = await shootScreens(page, app.stack.appUrl, screens);
    expect(shots).toHaveLength(screens.length * 2);
    for (const shot of shots) expect(shot.scrollWidth, `${shot.path} scrolls sideways`).toBeLessThanOrEqual(shot.width);
  });
});
