// One stack per browser test file: the fake org, the Worker on free ports, a fresh D1 in a temp
// dir, and a new workspace connected to the org through the real OAuth flow.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { api, connect, createDemoWorkspace, type Stack, signInLink, startStack } from "../../../scripts/stack.ts";
import { urlIs } from "./wait.ts";
import { ensureWebBuilt } from "./web-build.ts";

/** Small enough that a whole inbound cycle takes about a second. */
export const SMALL_ORG = {
  Account: 20,
  Contact: 60,
  Lead: 80,
  Opportunity: 15,
  OpportunityContactRole: 20,
  Conversion_Event__c: 20,
};

/** Every object on, and the Do_Not_Sync__c rules, so the runs carry do_not_sync skips too. */
export const SETTINGS = {
  objects: { Conversion_Event__c: { enabled: true } },
  syncRules: ["Lead", "Contact", "Account"].map((object) => ({ object, field: "Do_Not_Sync__c", equals: true })),
};

export interface Run {
  id: string;
  direction: string;
  objectType: string;
  salesforceObject: string;
  kind: string;
  description: string;
  status: string;
  startedAt: string;
  counts: Record<string, number>;
}

export interface App {
  stack: Stack;
  apiKey: string;
  /** GET/POST/PATCH against the app with the workspace's key. */
  call<T = any>(path: string, method?: string, body?: unknown): Promise<T>;
  /** The fake org's control endpoints (/__fake/...). */
  fake<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  signIn(): Promise<string>;
  /** Signs `page` in to this workspace through a fresh launch link (see signInPage). */
  signInPage(page: Page): Promise<void>;
  runs(query?: string): Promise<Run[]>;
  /** Waits until at least `min` runs exist and none is in progress. */
  settled(min: number): Promise<Run[]>;
  stop(): Promise<void>;
}

export async function startApp(
  opts: {
    counts?: Record<string, number>;
    tz?: string;
    /** Settings PATCHed before the test starts; null keeps the defaults (worker/settings/defaults.ts). */
    settings?: Record<string, unknown> | null;
  } = {},
): Promise<App> {
  await ensureWebBuilt();
  const dir = mkdtempSync(join(tmpdir(), "browser-stack-"));
  const stack = await startStack({
    persistDir: dir,
    fakeCounts: opts.counts ?? SMALL_ORG,
    tz: opts.tz,
    vars: { QUEUE_RETRY_BASE_SECONDS: "0" },
  });
  const { apiKey } = await createDemoWorkspace(stack, "Browser test workspace");
  await connect(stack, apiKey);
  const settings = opts.settings === undefined ? SETTINGS : opts.settings;
  if (settings) await api(stack, "/api/v1/settings", apiKey, { method: "PATCH", body: JSON.stringify(settings) });

  const app: App = {
    stack,
    apiKey,
    call: (path, method = "GET", body) =>
      api(stack, `/api/v1${path}`, apiKey, { method, body: body === undefined ? undefined : JSON.stringify(body) }),
    async fake(method, path, body) {
      const res = await fetch(`${stack.fakeUrl}/__fake/${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (res.status >= 400) throw new Error(`${method} /__fake/${path} → ${res.status}: ${await res.text()}`);
      return res.json();
    },
    signIn: () => signInLink(stack, apiKey),
    signInPage: async (page) => signInPage(page, await signInLink(stack, apiKey)),
    runs: async (query = "") => (await app.call<{ runs: Run[] }>(`/sync/runs?limit=200${query}`)).runs,
    async settled(min) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const runs = await app.runs();
        if (runs.length >= min && runs.every((r) => r.status !== "in_progress")) return runs;
        if (Date.now() > deadline)
          throw new Error(`runs did not settle: ${JSON.stringify(runs.map((r) => [r.salesforceObject, r.status]))}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async stop() {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return app;
}

/**
 * Opens a launch link and waits until the sign-in is done. The page exchanges the link's token with a
 * POST and only then replaces itself with the Overview: a navigation before that would cancel the
 * exchange and land on "Your session has expired".
 */
export async function signInPage(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await urlIs(page, "/settings/crm");
  const origin = new URL(link).origin;
  const cookies = await page.context().cookies(origin);
  if (!cookies.some((c) => c.name === "cv_session"))
    throw new Error(`signed in to ${origin} without a session cookie: ${cookies.map((c) => c.name).join(", ")}`);
}
