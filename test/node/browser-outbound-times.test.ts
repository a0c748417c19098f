// An outbound record on the page carries the created and updated times Salesforce assigned the
// record it wrote, in the viewer's zone: a contact created in Conversion (a new Lead), then changed.
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, startApp } from "./browser/app.ts";
import { launchChromium } from "./browser/chromium.ts";
import { recordItems, until, visible } from "./browser/wait.ts";

const ZONE = "Asia/Kolkata";

let app: App;
let browser: Browser;
let context: BrowserContext;

const normalize = (s: string) => s.replace(/[\s\u00a0\u202f]+/g, " ").trim();
const local = (iso: string) =>
  normalize(
    new Intl.DateTimeFormat("en-US", {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
      second: "2-digit",
      timeZoneName: "short",
      timeZone: ZONE,
    }).format(new Date(iso)),
  );
const iso = (salesforce: string) => new Date(salesforce.replace(/([+-]\d{2})(\d{2})$/, "$1:$2")).toISOString();

beforeAll(async () => {
  // Nothing inbound: every run on the page is a push.
  const off = Object.fromEntries(
    ["Account", "Lead", "Contact", "Opportunity", "OpportunityContactRole", "Conversion_Event__c"].map((o) => [
      o,
      { enabled: false },
    ]),
  );
  [app, browser] = await Promise.all([startApp({ settings: { objects: off } }), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", timezoneId: ZONE });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("outbound records in Chromium", () => {
  it("show Salesforce's created and updated times of the record each push wrote", async () => {
    const contact = await app.call<{ id: string }>("/contacts", "POST", {
      email: "times@example.com",
      firstName: "Tempus",
      lastName: "Fugit",
    });
    const linked = await until("the contact linked to its new Lead", async () => {
      const c = await app.call<{ salesforceId: string | null }>(`/contacts/${contact.id}`);
      return c.salesforceId;
    });
    // Salesforce's times have second precision: the update lands in a later second than the create.
    await new Promise((r) => setTimeout(r, 1500));
    await app.call(`/contacts/${contact.id}`, "PATCH", { title: "Later" });
    const runs = await app.settled(2);
    const update = runs.find((r) => r.counts.updated === 1)!;
    const create = runs.find((r) => r.counts.created === 1)!;
    expect(update && create).toBeTruthy();
    const lead = (await app.fake<{ records: Record<string, string>[] }>("GET", `records/Lead?ids=${linked}`))
      .records[0]!;
    expect(lead.Title).toBe("Later");

    const page = await context.newPage();
    await app.signInPage(page);
    for (const [run, updatedAt] of [
      [create, null],
      [update, lead.LastModifiedDate!],
    ] as const) {
      await page.goto(`${app.stack.appUrl}/settings/crm/activity/runs/${encodeURIComponent(run.id)}`);
      const record = recordItems(page).first();
      await visible(record);
      const fact = (label: string) =>
        record.locator(".record__facts > div", { has: page.getByText(label, { exact: true }) }).locator("time");
      const created = fact("Created in Salesforce");
      const updated = fact("Updated in Salesforce");
      await visible(created);
      expect(await created.getAttribute("datetime")).toBe(iso(lead.CreatedDate!));
      expect(normalize(await created.innerText())).toBe(local(iso(lead.CreatedDate!)));
      // The create's own update time is its creation; the later push shows the later one.
      const shown = await updated.getAttribute("datetime");
      if (updatedAt) {
        expect(shown).toBe(iso(updatedAt));
        expect(Date.parse(shown!)).toBeGreaterThan(Date.parse(iso(lead.CreatedDate!)));
      } else expect(shown).toBe(iso(lead.CreatedDate!));
      expect(normalize(await updated.innerText())).toBe(local(shown!));
    }
    await page.close();
  });
});
