import { describe, expect, it } from "vitest";
import { ADMIN, call, jsonInit, newWorkspace } from "./helpers";
import { exchange, launchToken, launchUrl, openPage } from "./page-session";

// Runs in the "limits" project (vitest.config.ts): the [[ratelimits]] bindings allow 3 calls per key
// (writes: 6) in a 10-second period, and RATE_LIMIT_PERIOD_SECONDS says 10. Miniflare's windows are
// aligned to the clock, so each test starts its requests early in one.

type Json = Record<string, any>;
const LIMIT = 3;
const WRITES = 6;
const PERIOD_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits, unless the current window has at least 7 seconds left, for the next one: a test's requests share one. */
async function freshWindow() {
  const into = Date.now() % PERIOD_MS;
  if (into > 3000) await sleep(PERIOD_MS - into + 50);
}

const from = (address: string) => ({ "cf-connecting-ip": address });
const badKey = (address: string) => ({ ...from(address), authorization: "Bearer cvk_not_a_key" });
const patch = (auth: Record<string, string>) => jsonInit("PATCH", { syncIntervalMinutes: 7 }, auth);

/** Another API key of the workspace: each limit test counts its writes on a key of its own. */
async function extraKey(workspaceId: string): Promise<Record<string, string>> {
  const res = await call(`/api/v1/admin/workspaces/${workspaceId}/api-keys`, { method: "POST", headers: ADMIN });
  return { authorization: `Bearer ${((await res.json()) as Json).apiKey}` };
}

/** Asserts a 429 in the error shape with Retry-After (call() has checked it against the document). */
async function expectLimited(res: Response, limit: string) {
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).toBe(429);
  expect(res.headers.get("retry-after")).toBe("10");
  expect(body.error).toEqual({
    code: "rate_limited",
    message: expect.stringMatching(/^Too many .+; try again in 10 seconds$/),
    details: { limit, retryAfterSeconds: 10 },
  });
}

describe("failed authentication, per client address", () => {
  it("answers 401 up to the limit, then 429 for that address only; every way to fail counts", async () => {
    const ws = await newWorkspace("Limited logins");
    await freshWindow();
    const address = "203.0.113.7";
    expect((await call("/api/v1/settings", { headers: badKey(address) })).status).toBe(401);
    expect(
      (await call("/api/v1/admin/workspaces/x/api-keys", { method: "POST", headers: badKey(address) })).status,
    ).toBe(401);
    const exchange = jsonInit(
      "POST",
      { token: "not-a-launch-token" },
      { ...from(address), origin: "http://localhost" },
    );
    expect((await call("/api/v1/session/launch", exchange)).status).toBe(401);
    await expectLimited(await call("/api/v1/settings", { headers: badKey(address) }), "failed_auth");
    await expectLimited(await call("/api/v1/sync/runs", { headers: from(address) }), "failed_auth");
    // Another address is not limited: its failures are its own, and its good key works.
    expect((await call("/api/v1/settings", { headers: badKey("203.0.113.8") })).status).toBe(401);
    expect((await call("/api/v1/settings", { headers: { ...from("203.0.113.8"), ...ws.auth } })).status).toBe(200);
  });

  it("blocks the address before any credential is checked: a right guess is refused like a wrong one", async () => {
    const ws = await newWorkspace("Guessed");
    const page = await openPage(ws.auth);
    const token = launchToken(await launchUrl(ws.auth));
    await freshWindow();
    const address = "203.0.113.9";
    for (let i = 0; i < LIMIT; i++)
      expect((await call("/api/v1/settings", { headers: badKey(address) })).status).toBe(401);
    const tripped = await call("/api/v1/settings", { headers: badKey(address) });
    await expectLimited(tripped, "failed_auth");
    // Every credential that would pass is refused from this address: the API key, the admin token,
    // the page's session and a launch token.
    await expectLimited(await call("/api/v1/settings", { headers: { ...from(address), ...ws.auth } }), "failed_auth");
    await expectLimited(
      await call("/api/v1/admin/workspaces", jsonInit("POST", { name: "Guessed too" }, { ...from(address), ...ADMIN })),
      "failed_auth",
    );
    await expectLimited(
      await call("/api/v1/session", { headers: { ...from(address), ...page.headers() } }),
      "failed_auth",
    );
    await expectLimited(await exchange(token, from(address)), "failed_auth");
    // The rest of the world is not blocked. (After Retry-After the address is let through: below.)
    expect((await call("/api/v1/settings", { headers: { ...from("203.0.113.10"), ...ws.auth } })).status).toBe(200);
  });
});

describe("launch links, per workspace", () => {
  it("mints up to the limit, then 429; another workspace still mints", async () => {
    const [a, b] = [await newWorkspace("Links A"), await newWorkspace("Links B")];
    await freshWindow();
    for (let i = 0; i < LIMIT; i++)
      expect((await call("/api/v1/sessions", { method: "POST", headers: a.auth })).status).toBe(201);
    await expectLimited(await call("/api/v1/sessions", { method: "POST", headers: a.auth }), "launch_links");
    expect((await call("/api/v1/sessions", { method: "POST", headers: b.auth })).status).toBe(201);
  });
});

describe("Sync now, per workspace", () => {
  it("counts every request, then 429; another workspace is not limited", async () => {
    const [a, b] = [await newWorkspace("Sync A"), await newWorkspace("Sync B")];
    await freshWindow();
    // Not connected: each request is still a Sync now asked for.
    for (let i = 0; i < LIMIT; i++)
      expect((await call("/api/v1/sync/inbound", { method: "POST", headers: a.auth })).status).toBe(409);
    await expectLimited(await call("/api/v1/sync/inbound", { method: "POST", headers: a.auth }), "sync_now");
    expect((await call("/api/v1/sync/inbound", { method: "POST", headers: b.auth })).status).toBe(409);
  });
});

describe("writes, per API key", () => {
  it("allows the limit, then 429 for that key; reads, another key and the page's writes go on", async () => {
    const ws = await newWorkspace("Writes");
    const page = await openPage(ws.auth);
    const key = await extraKey(ws.id);
    await freshWindow();
    for (let i = 0; i < WRITES; i++) expect((await call("/api/v1/settings", patch(key))).status).toBe(200);
    await expectLimited(await call("/api/v1/settings", patch(key)), "writes");
    await expectLimited(await call("/api/v1/contacts", jsonInit("POST", { email: "w@example.com" }, key)), "writes");
    expect((await call("/api/v1/settings", { headers: key })).status).toBe(200);
    expect((await call("/api/v1/settings", patch(ws.auth))).status).toBe(200);
    expect((await call("/api/v1/settings", patch(page.headers(true)))).status).toBe(200);
  });
});

describe("after Retry-After", () => {
  it("every limit lets the same key through again", async () => {
    const ws = await newWorkspace("Reset");
    const [minter, syncer, writer] = [await extraKey(ws.id), await extraKey(ws.id), await extraKey(ws.id)];
    const address = "198.51.100.23";
    // Another workspace's, so minting it counts against no limit tripped here.
    const token = launchToken(await launchUrl((await newWorkspace("Reset sign-in")).auth));
    await freshWindow();
    const trip = async (send: () => Promise<Response>, limit: string, times: number) => {
      for (let i = 0; i < times; i++) expect((await send()).status).toBeLessThan(429);
      const res = await send();
      await expectLimited(res, limit);
      return Number(res.headers.get("retry-after"));
    };
    const failAuth = () => call("/api/v1/settings", { headers: badKey(address) });
    const mint = () => call("/api/v1/sessions", { method: "POST", headers: minter });
    const syncNow = () => call("/api/v1/sync/inbound", { method: "POST", headers: syncer });
    const write = () => call("/api/v1/settings", patch(writer));
    const waits = [
      await trip(failAuth, "failed_auth", LIMIT),
      await trip(mint, "launch_links", LIMIT),
      await trip(syncNow, "sync_now", LIMIT),
      await trip(write, "writes", WRITES),
    ];
    // Blocked, the launch token is not even checked.
    await expectLimited(await exchange(token, from(address)), "failed_auth");
    await sleep(Math.max(...waits) * 1000);
    expect((await call("/api/v1/settings", { headers: { ...from(address), ...ws.auth } })).status).toBe(200);
    // Never checked while blocked, the token was not spent: it still signs in.
    expect((await exchange(token, from(address))).status).toBe(200);
    expect((await failAuth()).status).toBe(401);
    expect((await mint()).status).toBe(201);
    expect((await syncNow()).status).toBe(409);
    expect((await write()).status).toBe(200);
  });
});
