// The Settings tab in real Chromium against the Worker (wrangler dev) and the fake org: every setting
// changed through the page, the next sync obeying each (runs and reasons), the API's 400 at its
// field, the unsaved-changes guard, and the links from messages to the settings they name.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, connect, createDemoWorkspace, signInLink } from "../../scripts/stack.ts";
import { type App, type Run, signInPage, startApp } from "./browser/app.ts";
import { axeViolations } from "./browser/axe.ts";
import { launchChromium, screenshot } from "./browser/chromium.ts";
import { recordItems, until, urlIs, visible } from "./browser/wait.ts";

const SETTINGS = "/settings/crm/settings";

let app: App;
let browser: Browser;
let page: Page;
let flaggedLeadId: string;

interface RunRecord {
  salesforceId: string | null;
  conversionId: string | null;
  status: string;
  reason: { code: string; message: string } | null;
}

const records = async (runId: string) =>
  (await app.call<{ records: RunRecord[] }>(`/sync/runs/${runId}/records?limit=200`)).records;

const FIVE = ["Account", "Lead", "Contact", "Opportunity", "OpportunityContactRole"];

/**
 * "Sync now" through the API, then the cycle's runs once it is over: a run for each of `objects`
 * (the cycle visits them one after another, so a moment with nothing in progress is not the end),
 * or, for a cycle that stops early, the first failed run.
 */
async function syncNow(objects: string[] | "until a failure"): Promise<Run[]> {
  const before = new Set((await app.runs()).map((r) => r.id));
  await app.call("/sync/inbound", "POST");
  const fresh = await until(
    `the cycle's runs (${objects})`,
    async () => {
      const runs = await app.runs("&direction=inbound");
      const mine = runs.filter((r) => !before.has(r.id));
      if (runs.some((r) => r.status === "in_progress")) return null;
      const done =
        objects === "until a failure"
          ? mine.some((r) => r.status === "failed")
          : objects.every((o) => mine.some((r) => r.salesforceObject === o));
      return done ? mine : null;
    },
    60_000,
  );
  return fresh!;
}

/** Waits for the outbound run that carries this Conversion record and returns it with the record. */
async function outboundRecordOf(conversionId: string): Promise<{ run: Run; record: RunRecord }> {
  const found = await until<{ run: Run; record: RunRecord } | null>(
    `an outbound run with ${conversionId}`,
    async () => {
      for (const run of await app.runs("&direction=outbound")) {
        if (run.status === "in_progress") continue;
        const record = (await records(run.id)).find((r) => r.conversionId === conversionId);
        if (record) return { run, record };
      }
      return null;
    },
    30_000,
  );
  return found!;
}

const focusedId = () => page.evaluate(() => document.activeElement?.id ?? "");

/**
 * axe-core over the Settings screen itself (the page's main region); the whole page, tabs and header
 * included, is checked with every other screen by the page's own accessibility test.
 */
async function noViolationsInMain() {
  const found = await axeViolations(page, "#main");
  expect(found, JSON.stringify(found, null, 1)).toEqual([]);
}

/** Path and hash: a link to one setting carries its id in the hash. */
const atSetting = (hash: string) =>
  until(`URL ${SETTINGS}${hash}`, async () => {
    const u = new URL(page.url());
    return u.pathname + u.hash === `${SETTINGS}${hash}`;
  });

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp({ settings: null }), launchChromium()]);
  page = await (
    await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", timezoneId: "UTC" })
  ).newPage();
  // A Lead flagged "do not sync" in Salesforce: with no rule yet, the first sync brings it in.
  ({
    ids: [flaggedLeadId],
  } = await app.fake<{ ids: string[] }>("POST", "records", {
    object: "Lead",
    records: [{ LastName: "Flagged", Company: "Rules Inc", Email: "flagged@example.com", Do_Not_Sync__c: true }],
  }));
  const first = await syncNow(FIVE);
  expect(first.map((r) => r.salesforceObject)).not.toContain("Conversion_Event__c");
  const leadRun = first.find((r) => r.salesforceObject === "Lead")!;
  expect((await records(leadRun.id)).find((r) => r.salesforceId === flaggedLeadId)?.status).toBe("success");
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("Settings in Chromium", () => {
  it("opens from its tab with the connection and every setting, the org's fields from describe", async () => {
    await app.signInPage(page);
    await page.getByRole("tab", { name: "Settings" }).click();
    await urlIs(page, SETTINGS);
    await visible(page.getByRole("heading", { name: "Settings", exact: true }));
    await visible(page.getByRole("heading", { name: "Salesforce connection" }));
    for (const name of ["Objects", "Sync rules", "Writing to Salesforce", "Field mapping", "Schedule and API budget"])
      await visible(page.getByRole("heading", { name, exact: true }));
    // Salesforce's labels from describe in the pickers.
    const sfTitle = page.getByLabel("Salesforce field for Title");
    await until("the org's fields in the mapping", async () => (await sfTitle.inputValue()) === "Title");
    await until("describe labels", async () => (await sfTitle.locator("option:checked").innerText()) === "Title");
    await visible(page.getByText("No unsaved changes."));
    // Parallel reads: the deployment's default (INBOUND_SLICE_CONCURRENCY unset: 3) until the workspace chooses.
    const reads = page.getByLabel("Parallel reads during a backfill");
    expect(await reads.inputValue()).toBe("3");
    expect(await page.locator("#setting-parallelReads-hint").innerText()).toContain("10 open query cursors");
    await noViolationsInMain();
    await screenshot(page, "settings-desktop");
  });

  it("changes every kind of setting by keyboard and saves them", async () => {
    // Custom events on.
    await page.getByLabel("Sync Events").focus();
    await page.keyboard.press("Space");
    expect(await page.getByLabel("Sync Events").isChecked()).toBe(true);
    await visible(page.getByText("You have unsaved changes."));

    // A "Do not sync" rule: Leads whose Do_Not_Sync__c is true.
    await page.getByRole("button", { name: "Add a rule" }).focus();
    await page.keyboard.press("Enter");
    await until("focus on the new rule", async () => (await focusedId()) === "setting-syncRules-0-object");
    await page.keyboard.press("Tab");
    expect(await focusedId()).toBe("setting-syncRules-0-field");
    await page.getByLabel("Field (rule 1)").selectOption("Do_Not_Sync__c");
    expect(await page.getByLabel("Equals (rule 1)").inputValue()).toBe("true");

    // Contacts are only updated from now on, never created.
    await page.getByLabel("Write mode for Contacts").selectOption({ label: "Only update existing records" });
    // Title flows only from Salesforce to Conversion.
    await page.getByLabel("Direction for Title").selectOption({ label: "Salesforce → Conversion" });
    // Company changes stay in Conversion.
    const accounts = page.getByLabel("Write changes to Salesforce accounts");
    await accounts.focus();
    await page.keyboard.press("Space");
    expect(await accounts.isChecked()).toBe(false);

    // Two parallel reads for a backfill, to leave Salesforce cursors to other integrations.
    await page.getByLabel("Parallel reads during a backfill").selectOption("2");

    await page.getByRole("button", { name: "Save changes" }).focus();
    await page.keyboard.press("Enter");
    await visible(page.getByText("Settings saved. They apply from the next sync."));

    const s = await app.call("/settings");
    expect(s.parallelReads).toBe(2);
    expect(s.objects.Conversion_Event__c.enabled).toBe(true);
    expect(s.syncRules).toEqual([{ object: "Lead", field: "Do_Not_Sync__c", equals: true }]);
    expect(s.fieldMappings.contact.find((m: any) => m.conversionField === "title").direction).toBe("inbound");
    expect(s.outbound).toEqual({ writeLeadsAndContacts: true, writeAccounts: false, createLeads: true });
    expect(s.objects.Contact).toEqual({ enabled: true, writeMode: "update_only" });
  });

  it("the next inbound sync obeys them: events sync, the flagged Lead is Do not sync, a new Contact a Write mode mismatch", async () => {
    await app.fake("PATCH", "records", { object: "Lead", records: [{ Id: flaggedLeadId, Title: "Changed" }] });
    const {
      ids: [newContactId],
    } = await app.fake<{ ids: string[] }>("POST", "records", {
      object: "Contact",
      records: [{ LastName: "Newcomer", Email: "newcomer@example.com" }],
    });
    // Objects with no change have no run: the changed Lead, the new Contact, and the events' first sync.
    const runs = await syncNow(["Lead", "Contact", "Conversion_Event__c"]);
    const events = runs.find((r) => r.salesforceObject === "Conversion_Event__c");
    expect(events?.counts.created).toBeGreaterThan(0);
    const leadRun = runs.find((r) => r.salesforceObject === "Lead")!;
    const flagged = (await records(leadRun.id)).find((r) => r.salesforceId === flaggedLeadId);
    expect(flagged).toMatchObject({ status: "skipped", reason: { code: "do_not_sync", message: "Do not sync" } });

    // The message links to the rules it names.
    await page.goto(`${app.stack.appUrl}/settings/crm/activity/runs/${leadRun.id}?status=skipped`);
    const item = recordItems(page).filter({ hasText: flaggedLeadId });
    await visible(item.getByText("Do not sync", { exact: true }));
    await item.getByRole("link", { name: "Review the sync rules" }).click();
    await atSetting("#sync-rules");
    await until("focus on Sync rules", async () => (await focusedId()) === "sync-rules");

    const contactRun = runs.find((r) => r.salesforceObject === "Contact")!;
    const newcomer = (await records(contactRun.id)).find((r) => r.salesforceId === newContactId);
    expect(newcomer).toMatchObject({ status: "skipped", reason: { code: "write_mode_mismatch" } });
    await page.goto(`${app.stack.appUrl}/settings/crm/activity/runs/${contactRun.id}?status=skipped`);
    const mismatch = recordItems(page).filter({ hasText: newContactId });
    await mismatch.getByRole("link", { name: "Change the write mode for Contacts" }).click();
    await atSetting("#setting-objects-Contact-writeMode");
    await until("focus on the write mode", async () => (await focusedId()) === "setting-objects-Contact-writeMode");
    expect(await page.getByLabel("Write mode for Contacts").inputValue()).toBe("update_only");
  });

  it("the next outbound pushes obey them: a title change has no field to update, a company change is held back", async () => {
    const contacts = (await app.call<{ contacts: any[] }>("/contacts?limit=200")).contacts;
    const contact = contacts.find((c) => c.salesforceId && c.salesforceId.startsWith("003"))!;
    const [before] = (await app.fake<{ records: any[] }>("GET", `records/Contact?ids=${contact.salesforceId}`)).records;
    await app.call(`/contacts/${contact.id}`, "PATCH", { title: "Head of Settings" });
    const pushed = await outboundRecordOf(contact.id);
    expect(pushed.record).toMatchObject({ status: "skipped", reason: { code: "no_fields_to_update" } });
    const [after] = (await app.fake<{ records: any[] }>("GET", `records/Contact?ids=${contact.salesforceId}`)).records;
    expect(after.Title).toBe(before.Title);

    const companies = (await app.call<{ companies: any[] }>("/companies?limit=200")).companies;
    // Not one whose industry is Energy already (one of the fake org's Accounts is): that PATCH would
    // change nothing, and a PATCH that changes nothing has nothing to push.
    const company = companies.find((c) => c.salesforceId && c.industry !== "Energy")!;
    await app.call(`/companies/${company.id}`, "PATCH", { industry: "Energy" });
    const held = await outboundRecordOf(company.id);
    expect(held.record).toMatchObject({
      status: "skipped",
      reason: { code: "object_write_disabled", message: "Object write disabled" },
    });

    // Each message links to its setting, which takes focus.
    await page.goto(`${app.stack.appUrl}/settings/crm/activity/runs/${held.run.id}`);
    await recordItems(page).getByRole("link", { name: "Review “Write changes to Salesforce accounts”" }).click();
    await atSetting("#setting-outbound-writeAccounts");
    await until("focus on the switch", async () => (await focusedId()) === "setting-outbound-writeAccounts");
    expect(await page.getByLabel("Write changes to Salesforce accounts").isChecked()).toBe(false);

    await page.goto(`${app.stack.appUrl}/settings/crm/activity/runs/${pushed.run.id}`);
    await recordItems(page).getByRole("link", { name: "Review the field mapping for contacts" }).click();
    await atSetting("#field-mapping-contact");
    await until("focus on the contact mapping", async () => (await focusedId()) === "field-mapping-contact");
  });

  it("a bad value shows the API's message at its field, and nothing is saved", async () => {
    const refused = await fetch(`${app.stack.appUrl}/api/v1/settings`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${app.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ syncIntervalMinutes: 0 }),
    });
    const refusal = (await refused.json()) as { error: { details: { issues: { message: string }[] } } };
    const apiMessage = refusal.error.details.issues[0]!.message;

    const interval = page.getByLabel("Sync interval (minutes)");
    await interval.fill("0");
    await page.getByRole("button", { name: "Save changes" }).click();
    const error = page.locator("#setting-syncIntervalMinutes-error");
    await visible(error);
    expect(await error.innerText()).toBe(apiMessage);
    expect(await interval.getAttribute("aria-invalid")).toBe("true");
    expect(await interval.getAttribute("aria-describedby")).toContain("setting-syncIntervalMinutes-error");
    expect(await focusedId()).toBe("setting-syncIntervalMinutes");
    await visible(page.getByRole("alert").getByText("The settings were not saved."));
    expect((await app.call("/settings")).syncIntervalMinutes).toBe(5);
    await noViolationsInMain();
    await screenshot(page, "settings-error-desktop");
  });

  it("unsaved changes are not lost silently: in-app links ask, and so does the browser", async () => {
    // Still unsaved: the refused interval.
    let asked = 0;
    page.once("dialog", (d) => {
      asked++;
      expect(d.type()).toBe("confirm");
      void d.dismiss();
    });
    await page.getByRole("tab", { name: "Overview" }).click();
    await until("the question", async () => asked === 1);
    await urlIs(page, SETTINGS);
    expect(await page.getByLabel("Sync interval (minutes)").inputValue()).toBe("0");

    // Back asks too, and staying keeps the page.
    page.once("dialog", (d) => {
      asked++;
      void d.dismiss();
    });
    await page.goBack();
    await until("the question on Back", async () => asked === 2);
    await until("the Settings URL back", async () => new URL(page.url()).pathname === SETTINGS);

    // A reload or closing the tab: the browser's own question.
    page.once("dialog", (d) => {
      asked++;
      expect(d.type()).toBe("beforeunload");
      void d.dismiss();
    });
    await page.reload({ timeout: 3000 }).catch(() => undefined);
    await until("the browser's question", async () => asked === 3);
    expect(await page.getByLabel("Sync interval (minutes)").inputValue()).toBe("0");

    // Leaving on purpose works, and Discard makes leaving silent.
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("tab", { name: "Overview" }).click();
    await urlIs(page, "/settings/crm");
    await page.getByRole("tab", { name: "Settings" }).click();
    await visible(page.getByText("No unsaved changes."));
    expect(await page.getByLabel("Sync interval (minutes)").inputValue()).toBe("5");
  });

  it("a run that failed as a whole links to Reconnect (authentication) and to Rate limits (API limit)", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await app.fake("POST", "faults", { expireAccessTokens: true, revokeRefreshTokens: true });
    const unauthorized = (await syncNow("until a failure")).find((r) => r.status === "failed")!;
    expect((await app.call(`/sync/runs/${unauthorized.id}`)).failure.code).toBe("authentication_failure");
    await page.goto(`${app.stack.appUrl}/settings/crm/activity/runs/${unauthorized.id}`);
    await page.locator(".run-header").getByRole("link", { name: "Reconnect Salesforce" }).click();
    await until("the Overview's connection", async () => new URL(page.url()).hash === "#connection-title");
    await until("focus on the connection", async () => (await focusedId()) === "connection-title");
    await visible(page.getByRole("button", { name: "Reconnect Salesforce" }));

    await app.fake("DELETE", "faults");
    await connect(app.stack, app.apiKey);
    await app.fake("POST", "faults", { limitReached: true });
    const limited = (await syncNow("until a failure")).find((r) => r.status === "failed")!;
    expect((await app.call(`/sync/runs/${limited.id}`)).failure.code).toBe("api_limit_exceeded");
    await page.goto(`${app.stack.appUrl}/settings/crm/activity?direction=inbound`);
    const entry = page.locator("li.run-entry").filter({ has: page.locator(`[id="run-${limited.id}-title"]`) });
    await visible(entry.getByText("API limit exceeded"));
    await entry.getByRole("link", { name: "Review usage under Rate limits" }).click();
    await until("the Overview's Rate limits", async () => new URL(page.url()).hash === "#limits-title");
    await until("focus on Rate limits", async () => (await focusedId()) === "limits-title");
    // …where the daily budget links back to its setting.
    await page.getByRole("link", { name: "Set a daily budget" }).click();
    await atSetting("#setting-apiDailyBudget");
    await until("focus on the budget", async () => (await focusedId()) === "setting-apiDailyBudget");
    await app.fake("DELETE", "faults");
  });

  it("without a connection: Conversion's fields to choose from, Salesforce's typed, and it saves", async () => {
    const other = await createDemoWorkspace(app.stack, "Not connected yet");
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await context.newPage();
    try {
      await signInPage(tab, await signInLink(app.stack, other.apiKey));
      await tab.getByRole("tab", { name: "Settings" }).click();
      await visible(tab.getByText("Salesforce is not connected. Connect it to choose from your org’s fields."));
      await tab.getByRole("button", { name: "Add a contact field" }).click();
      const added = tab.getByLabel("Conversion field (mapping 6)");
      expect(await added.inputValue()).toBe("userId");
      expect(await added.locator("option:checked").innerText()).toBe("User ID");
      // No describe: the Salesforce field is an API name typed in a text box.
      const sf = tab.getByLabel("Salesforce field for User ID");
      expect(await sf.evaluate((el) => el.tagName)).toBe("INPUT");
      await sf.fill("Conversion_User_Id__c");
      await tab.getByRole("button", { name: "Save changes" }).click();
      await visible(tab.getByText("Settings saved. They apply from the next sync."));
      const saved = await api(app.stack, "/api/v1/settings", other.apiKey);
      expect(saved.fieldMappings.contact.at(-1)).toEqual({
        conversionField: "userId",
        salesforceField: "Conversion_User_Id__c",
        direction: "both",
        writeRule: "always",
      });
    } finally {
      await context.close();
    }
  });

  it("looks right on a phone (360 px) without sideways scrolling", async () => {
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(`${app.stack.appUrl}${SETTINGS}`);
    await visible(page.getByLabel("Direction for Title"));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await noViolationsInMain();
    await screenshot(page, "settings-phone");
  });
});
