// Screenshots people look at, and the benchmark's one browser number.
import type { Page } from "playwright-core";
import { screenshot } from "./chromium.ts";
import { recordItems, runRows, until, visible } from "./wait.ts";

const SIZES = [
  ["desktop", 1280, 900],
  ["phone", 375, 812],
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

/** Overview, Sync activity and one run (its skipped records, which carry messages), at desktop and phone width. */
export async function takeScreenshots(page: Page, appUrl: string, runId: string): Promise<Shot[]> {
  const saved: Shot[] = [];
  const shoot = async (name: string, width: number) => {
    await loaded(page);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    saved.push({ path: await screenshot(page, name), width, scrollWidth });
  };
  for (const [size, width, height] of SIZES) {
    await page.setViewportSize({ width, height });
    await page.goto(`${appUrl}/settings/crm`);
    await visible(page.getByRole("heading", { name: "Last inbound run" }));
    await shoot(`overview-${size}`, width);

    await page.goto(`${appUrl}/settings/crm/activity`);
    await visible(runRows(page));
    await shoot(`activity-${size}`, width);

    await page.goto(`${appUrl}/settings/crm/activity/runs/${encodeURIComponent(runId)}?status=skipped`);
    await visible(recordItems(page));
    await shoot(`run-${size}`, width);
  }
  return saved;
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
        (window as any).__firstRunRowMs = performance.now();
        return true;
      };
      const observer = new MutationObserver(() => seen() && observer.disconnect());
      observer.observe(document, { childList: true, subtree: true });
    });
    await tab.goto(url);
    const ms = await tab.waitForFunction(() => (window as any).__firstRunRowMs as number | undefined, null, {
      timeout: 30_000,
    });
    return (await ms.jsonValue()) as number;
  } finally {
    await tab.close();
  }
}
