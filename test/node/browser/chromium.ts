// Real Chromium from the Debian package (CI installs it the same way); playwright-core only drives it.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

const EXECUTABLE = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const SCREENSHOTS = join(
  decodeURIComponent(new URL("../../../test-output/screenshots", import.meta.url).pathname),
);

/** `env` (e.g. TZ) reaches the browser process itself, unlike a context's timezoneId. */
export function launchChromium(env?: Record<string, string>): Promise<Browser> {
  return chromium.launch({
    executablePath: EXECUTABLE,
    args: ARGS,
    env: env ? ({ ...process.env, ...env } as Record<string, string>) : undefined,
  });
}

/** A full-page screenshot into test-output/screenshots/<name>.png, for people to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
