// Screenshots people look at, and the benchmark's one browser number.
import type { Page } from "playwright-core";
import { screenshot } from "./chromium.ts";
import { recordItems, runRows, until, visible } from "./wait.ts";

const SIZES = [
  ["desktop", 1280, 900],
  ["phone", 360, 800],
] as const;

/** Waits until no loading frame is left, so a screenshot shows the page as a user reads it. */
async function loaded(page: Page) {
  await until("loading frames to go", async () => (await page.locator(".skeleton").count()) === 0);
}

export interface Shot {
  path: string;
  width: number;
  /** The document's scroll width: wider than the viewport means content overflows sideways. */
  scrollWidth: number;
}

/** A screen to photograph: its path, and what shows once it is ready. */
export interface Screen {
  name: string;
  path: string;
  ready: (page: Page) => Promise<unknown>;
}

/** Each screen at 1280 px and 360 px wide, as test-output/screenshots/<name>-desktop.png and -phone.png. */
export async function shootScreens(page: Page, appUrl: string, screens: Screen[]): Promise<Shot[]> {
  const saved: Shot[] = [];
  const before = page.viewportSize();
  for (const [size, width, height] of SIZES) {
    await page.setViewportSize({ width, height });
    for (const s of screens) {
      await page.goto(`${appUrl}${s.path}`);
      await s.ready(page);
      await loaded(page);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      saved.push({ path: await screenshot(page, `${s.name}-${size}`), width, scrollWidth });
    }
  }
  if (before) await page.setViewportSize(before);
  return saved;
}

/** Overview, Sync activity and one run (its skipped records, which carry messages), at desktop and phone width. */
export function takeScreenshots(page: Page, appUrl: string, runId: string): Promise<Shot[]> {
  return shootScreens(page, appUrl, [
    {
      name: "overview",
      path: "/settings/crm",
      ready: (p) => visible(p.getByRole("heading", { name: "Last inbound run" })),
    },
    { name: "activity", path: "/settings/crm/activity", ready: (p) => visible(runRows(p)) },
    {
      name: "run",
      path: `/settings/crm/activity/runs/${encodeURIComponent(runId)}?status=skipped`,
      ready: (p) => visible(recordItems(p)),
    },
  ]);
}

/**
 * Milliseconds from navigation start to the first run row in the DOM, measured inside the page
 * (a MutationObserver installed before the app's script runs), in a fresh tab of the same session.
 */
export async function timeToFirstRunRow(page: Page, url: string): Promise<number> {
  const tab = await page.context().newPage();
  try {
    await tab.addInitScript(() => {
      const seen = () => {
        if (!document.querySelector("li.run-entry")) return false;
        window.__firstRunRowMs = performance.now();
        return true;
      };
      const observer = new MutationObserver(() => seen() && observer.disconnect());
      observer.observe(document, { childList: true, subtree: true });
    });
    await tab.goto(url);
    const ms = await tab.waitForFunction(() => window.__firstRunRowMs, null, {
      timeout: 30_000,
    });
    return (await ms.jsonValue()) as number;
  } finally {
    await tab.close();
  }
}
