// The page: the shipped build's JavaScript and CSS gzipped, and Chromium's time from navigation to
// the first run row of Sync activity (real Chromium, headless, against the app in workerd).
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { type Browser, chromium, type Page } from "playwright-core";
import { type App, ROOT } from "./app.ts";
import { api, type Workspace } from "./drive.ts";

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function buildPage(): void {
  const res = spawnSync("npx", ["vite", "build", "--config", "web/vite.config.ts", "--logLevel", "warn"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (res.status !== 0) throw new Error(`vite build failed:\n${res.stdout}${res.stderr}`);
}

export interface AssetSizes {
  files: { name: string; bytes: number; gzip: number }[];
  jsGzip: number;
  cssGzip: number;
  htmlGzip: number;
}

/** gzip -9 of every JS and CSS file the build ships (and index.html, shown apart). */
export function assetSizes(): AssetSizes {
  const dist = join(ROOT, "web/dist");
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
  const files = walk(dist)
    .filter((f) => /\.(js|css|html)$/.test(f))
    .map((f) => {
      const bytes = readFileSync(f);
      return { name: f.slice(dist.length + 1), bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
  const total = (re: RegExp) => files.filter((f) => re.test(f.name)).reduce((a, f) => a + f.gzip, 0);
  return { files, jsGzip: total(/\.js$/), cssGzip: total(/\.css$/), htmlGzip: total(/\.html$/) };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_FLAGS });
}

/** Records, in the page, when the first run row (li.run-entry) enters the DOM: ms since navigation start. */
async function watchFirstRunRow(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __firstRunRowMs?: number };
    const seen = () => {
      if (w.__firstRunRowMs !== undefined || !document.querySelector("li.run-entry")) return false;
      w.__firstRunRowMs = performance.now();
      return true;
    };
    const observer = new MutationObserver(() => seen() && observer.disconnect());
    observer.observe(document, { childList: true, subtree: true });
  });
}

async function firstRunRowMs(page: Page): Promise<number> {
  const handle = await page.waitForFunction(
    () => (window as unknown as { __firstRunRowMs?: number }).__firstRunRowMs,
    null,
    { timeout: 30_000 },
  );
  return (await handle.jsonValue()) as number;
}

export interface PageTimings {
  /** Launch link → (302, cookie) → Overview → click "Sync activity" → first run row; from the launch navigation's start. */
  launchToFirstRowMs: number[];
  /** Direct load of /settings/crm/activity, signed in, empty cache (new browser context each time). */
  coldMs: number[];
  /** The same with the assets in the HTTP cache (same context, new tab). */
  warmMs: number[];
}

export async function timePage(app: App, ws: Workspace, browser: Browser, reps: number): Promise<PageTimings> {
  const out: PageTimings = { launchToFirstRowMs: [], coldMs: [], warmMs: [] };
  for (let i = 0; i < reps; i++) {
    const { url } = await api<{ url: string }>(app, "/api/v1/sessions", ws.apiKey, { method: "POST" });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await watchFirstRunRow(page);
      await page.goto(url.replace(/^https?:\/\/[^/]+/, app.url));
      await page.getByRole("tab", { name: "Sync activity" }).click();
      out.launchToFirstRowMs.push(await firstRunRowMs(page));

      // Cold: a new context (no cache) carrying only the session cookie.
      const cookies = await context.cookies();
      const cold = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        await cold.addCookies(cookies);
        const p = await cold.newPage();
        await watchFirstRunRow(p);
        await p.goto(`${app.url}/settings/crm/activity`);
        out.coldMs.push(await firstRunRowMs(p));
      } finally {
        await cold.close();
      }

      // Warm: same context, assets cached.
      const warm = await context.newPage();
      await watchFirstRunRow(warm);
      await warm.goto(`${app.url}/settings/crm/activity`);
      out.warmMs.push(await firstRunRowMs(warm));
    } finally {
      await context.close();
    }
  }
  return out;
}
