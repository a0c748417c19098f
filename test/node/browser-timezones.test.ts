// One run seen from Los Angeles and from Tokyo: each viewer reads the run's start in their own zone.
// The Worker runs in a third zone (Kiritimati, UTC+14) to show the server's zone plays no part.
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, type Run, startApp } from "./browser/app.ts";
import { launchChromium } from "./browser/chromium.ts";
import { runRow, visible } from "./browser/wait.ts";

const LA = "America/Los_Angeles";
const TOKYO = "Asia/Tokyo";

let app: App;
let browser: Browser;
let run: Run;

/** What the page should show, computed in Node with the page's own format options. */
function expectedLocal(iso: string, timeZone: string): string {
  const format = new Intl.DateTimeFormat("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    second: "2-digit",
    timeZoneName: "short",
    timeZone,
  });
  return normalize(format.format(new Date(iso)));
}

// ICU puts narrow no-break spaces before AM/PM; Node's and Chromium's ICU may differ in that alone.
const normalize = (s: string) => s.replace(/[\s\u00a0\u202f]+/g, " ").trim();

/** Signs the (fresh) context in, reads the run's start time on its detail page and in the activity list, and closes it. */
async function timesSeenIn(context: BrowserContext) {
  const page = await context.newPage();
  await app.signInPage(page);
  await page.goto(`${app.stack.appUrl}/settings/crm/activity/runs/${encodeURIComponent(run.id)}`);
  const detail = page.locator(`.run-header time[datetime="${run.startedAt}"]`);
  await visible(detail);
  const detailText = normalize(await detail.innerText());
  const zoneTitle = await detail.getAttribute("title");

  await page.getByRole("link", { name: "← Sync activity" }).click();
  const listed = runRow(page, run.id).locator(`time[datetime="${run.startedAt}"]`);
  await visible(listed);
  const intro = await page.locator(".page-intro").innerText();
  const result = { detail: detailText, list: normalize(await listed.innerText()), zoneTitle, intro };
  await context.close();
  return result;
}

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp({ tz: "Pacific/Kiritimati" }), launchChromium()]);
  await app.call("/sync/inbound", "POST");
  const runs = await app.settled(6);
  run = runs.find((r) => r.salesforceObject === "Account")!;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("run times in the viewer's time zone", () => {
  it("shows one instant as Los Angeles time to one viewer and Tokyo time to another", async () => {
    const la = expectedLocal(run.startedAt, LA);
    const tokyo = expectedLocal(run.startedAt, TOKYO);
    expect(la).not.toBe(tokyo);

    const [inLa, inTokyo] = await Promise.all(
      [LA, TOKYO].map(async (timezoneId) => timesSeenIn(await browser.newContext({ timezoneId, locale: "en-US" }))),
    );
    console.log(
      `run ${run.id} started ${run.startedAt}: ${LA} sees "${inLa!.detail}", ${TOKYO} sees "${inTokyo!.detail}"`,
    );
    expect(inLa).toEqual({
      detail: la,
      list: la,
      zoneTitle: `${LA} (${run.startedAt})`,
      intro: expect.stringContaining(`(${LA})`),
    });
    expect(inTokyo).toEqual({
      detail: tokyo,
      list: tokyo,
      zoneTitle: `${TOKYO} (${run.startedAt})`,
      intro: expect.stringContaining(`(${TOKYO})`),
    });
  });

  it("follows the zone of the browser process itself (TZ in its environment)", async () => {
    const tokyoBrowser = await launchChromium({ TZ: TOKYO });
    try {
      const seen = await timesSeenIn(await tokyoBrowser.newContext({ locale: "en-US" }));
      expect(seen.detail).toBe(expectedLocal(run.startedAt, TOKYO));
      expect(seen.zoneTitle).toBe(`${TOKYO} (${run.startedAt})`);
    } finally {
      await tokyoBrowser.close();
    }
  });
});
