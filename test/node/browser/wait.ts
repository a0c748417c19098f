// playwright-core has no auto-retrying expect; these wait on what the user would see instead of sleeping.
import type { Locator, Page } from "playwright-core";

export const UI_TIMEOUT = 20_000;

/** Polls `probe` until it returns something truthy; the error names what was awaited. */
export async function until<T>(what: string, probe: () => Promise<T>, timeoutMs = UI_TIMEOUT): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const visible = (locator: Locator, timeout = UI_TIMEOUT) =>
  locator.first().waitFor({ state: "visible", timeout });

export async function countIs(locator: Locator, n: number, timeoutMs = UI_TIMEOUT): Promise<void> {
  await until(`${n} × ${locator}`, async () => (await locator.count()) === n, timeoutMs);
}

/** The run entries of Sync activity. */
export const runRows = (page: Page) => page.locator("li.run-entry");

/** One run entry, found by the run id its heading carries. */
export const runRow = (page: Page, runId: string) =>
  runRows(page).filter({ has: page.locator(`[id="run-${runId}-title"]`) });

/** The records of a run detail page. */
export const recordItems = (page: Page) => page.locator("li.record");

/** The path and query the page shows, for checks on filters kept in the URL. */
export const pathAndQuery = (page: Page) => {
  const u = new URL(page.url());
  return u.pathname + u.search;
};

/** Waits for the URL (path and query) to become `expected`: Back and reloads settle asynchronously. */
export async function urlIs(page: Page, expected: string): Promise<void> {
  await until(`URL ${expected}`, async () => pathAndQuery(page) === expected);
}
