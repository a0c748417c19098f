import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { connectionSchema } from "../../worker/api/connection/connection.routes";
import { openSalesforce, SalesforceError, type SalesforceRecord } from "../../worker/salesforce";
import { connectWorkspace, fakeCalls, resetFake, setFaults } from "./connect";
import { bodyOf, call, firstShard, newWorkspace, openStored } from "./helpers";

const fake = inject("fakeOrgUrl");

async function connected() {
  const ws = await newWorkspace();
  await connectWorkspace(ws, fake);
  return ws;
}

async function storedTokens(workspaceId: string) {
  const row = (await env.DB.prepare("SELECT * FROM connections WHERE workspace_id = ?")
    .bind(workspaceId)
    .first()) as Record<string, string>;
  return {
    status: row.status,
    access: await openStored(workspaceId, "access_token", row.access_token_enc!),
    refresh: await openStored(workspaceId, "refresh_token", row.refresh_token_enc!),
  };
}

async function failureOf(p: Promise<unknown>): Promise<SalesforceError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SalesforceError);
  return err as SalesforceError;
}

/** The fake's call log from index `from` on. */
async function callsSince(from: number) {
  return (await fakeCalls()).slice(from);
}

describe("Salesforce client: sessions", () => {
  beforeEach(resetFake);

  it("refuses to open without a connection", async () => {
    const ws = await newWorkspace();
    const err = await failureOf(openSalesforce(firstShard, ws.id));
    expect(err.failureCode).toBe("authentication_failure");
  });

  it("on 401 refreshes exactly once, retries, and stores the rotated refresh token", async () => {
    const ws = await connected();
    const before = await storedTokens(ws.id);
    const sf = await openSalesforce(firstShard, ws.id);
    await setFaults({ expireAccessTokens: true });
    const from = (await fakeCalls()).length;
    const usage = await sf.limits();
    expect(usage.limit).toBeGreaterThan(0);
    const log = await callsSince(from);
    expect(log.map((c) => [c.path.replace(/\/v\d+\.0\//, "/vNN/"), c.status])).toEqual([
      ["/services/data/vNN/limits", 401],
      ["/services/oauth2/token", 200],
      ["/services/data/vNN/limits", 200],
    ]);
    expect(sf.calls).toBe(2);
    const after = await storedTokens(ws.id);
    expect(after.access).not.toBe(before.access);
    expect(after.refresh).not.toBe(before.refresh);
    // The rotated token is the one that works now: the next expiry refreshes with it.
    await setFaults({ expireAccessTokens: true });
    const next = await openSalesforce(firstShard, ws.id);
    await next.limits();
    expect((await storedTokens(ws.id)).status).toBe("connected");
  });

  it("a revoked refresh token marks needs_reconnect and fails with authentication_failure", async () => {
    const ws = await connected();
    const sf = await openSalesforce(firstShard, ws.id);
    await setFaults({ expireAccessTokens: true, revokeRefreshTokens: true });
    const err = await failureOf(sf.limits());
    expect(err.failureCode).toBe("authentication_failure");
    expect(err.sfErrorCode).toBe("invalid_grant");
    expect(err.transient).toBe(false);
    const conn = await bodyOf(await call("/api/v1/connection", { headers: ws.auth }), connectionSchema);
    expect(conn.status).toBe("needs_reconnect");
    expect((await failureOf(openSalesforce(firstShard, ws.id))).failureCode).toBe("authentication_failure");
    // Reconnecting heals it.
    await connectWorkspace(ws, fake);
    expect((await bodyOf(await call("/api/v1/connection", { headers: ws.auth }), connectionSchema)).status).toBe(
      "connected",
    );
  });

  it("two invocations racing to refresh both succeed and the connection stays connected", async () => {
    const ws = await connected();
    const [a, b] = await Promise.all([openSalesforce(firstShard, ws.id), openSalesforce(firstShard, ws.id)]);
    await setFaults({ expireAccessTokens: true });
    const from = (await fakeCalls()).length;
    const results = await Promise.allSettled([a.limits(), b.limits()]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    // Both refreshed with the same token: rotation let one win and refused the other (invalid_grant),
    // which then adopted the winner's stored tokens instead of marking the connection for reconnect.
    const tokenCalls = (await callsSince(from)).filter((c) => c.path === "/services/oauth2/token");
    expect(tokenCalls.map((c) => c.status).sort()).toEqual([200, 400]);
    const stored = await storedTokens(ws.id);
    expect(stored.status).toBe("connected");
    const check = await fetch(`${fake}/services/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: stored.refresh,
        client_id: "conversion-sync",
        client_secret: "fake-org-secret",
      }),
    });
    expect(check.status).toBe(200);
  });
});

describe("Salesforce client: errors and retries", () => {
  beforeEach(resetFake);

  it("retries a 503 burst in-call", async () => {
    const ws = await connected();
    const sf = await openSalesforce(firstShard, ws.id);
    await setFaults({ http503: 2 });
    await sf.limits();
    expect(sf.calls).toBe(3);
  });

  it("a longer outage ends in a transient unknown_error", async () => {
    const ws = await connected();
    const sf = await openSalesforce(firstShard, ws.id);
    await setFaults({ http500: 10 });
    const err = await failureOf(sf.limits());
    expect(err).toMatchObject({ failureCode: "unknown_error", transient: true, status: 500 });
    expect(sf.calls).toBe(3);
  });

  it("REQUEST_LIMIT_EXCEEDED is api_limit_exceeded", async () => {
    const ws = await connected();
    const sf = await openSalesforce(firstShard, ws.id);
    await setFaults({ limitReached: true });
    const err = await failureOf(sf.limits());
    expect(err).toMatchObject({
      failureCode: "api_limit_exceeded",
      transient: false,
      status: 403,
      sfErrorCode: "REQUEST_LIMIT_EXCEEDED",
    });
  });

  it("an unreadable object is insufficient_permissions", async () => {
    const ws = await connected();
    const sf = await openSalesforce(firstShard, ws.id);
    await setFaults({ unreadable: { Lead: "INVALID_TYPE" } });
    const err = await failureOf(sf.queryPages("SELECT Id FROM Lead").next());
    expect(err).toMatchObject({
      failureCode: "insufficient_permissions",
      sfErrorCode: "INVALID_TYPE",
      transient: false,
    });
    await setFaults({ unreadable: { Contact: "INSUFFICIENT_ACCESS" } });
    const denied = await failureOf(sf.queryPages("SELECT Id FROM Contact").next());
    expect(denied.failureCode).toBe("insufficient_permissions");
    expect((await sf.describe("Account")).fields.some((f) => f.name === "Name")).toBe(true);
    const hidden = await failureOf(sf.describe("Lead"));
    expect(hidden).toMatchObject({ failureCode: "insufficient_permissions", status: 404 });
  });
});

describe("Salesforce client: query pager", () => {
  beforeEach(resetFake);

  it("pages with batchSize and nextRecordsUrl", async () => {
    const ws = await connected();
    const sf = await openSalesforce(firstShard, ws.id);
    const from = (await fakeCalls()).length;
    const pages = [];
    for await (const page of sf.queryPages("SELECT Id FROM Contact ORDER BY Id", { batchSize: 200 })) pages.push(page);
    const ids = pages.flatMap((p) => p.records.map((r) => r.Id));
    expect(ids.length).toBe(pages[0]!.totalSize);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(ids.length / 200));
    expect(pages.every((p) => p.records.length <= 200)).toBe(true);
    const log = await callsSince(from);
    expect(log.length).toBe(pages.length);
    expect(log[0]!.batchSize).toBe(200);
  });

  it("restarts from the last record yielded when the locator dies", async () => {
    const ws = await connected();
    const sf = await openSalesforce(firstShard, ws.id);
    const restarts: (SalesforceRecord | null)[] = [];
    const soql = (after: string | null) => `SELECT Id FROM Lead${after ? ` WHERE Id > '${after}'` : ""} ORDER BY Id`;
    const ids: string[] = [];
    let total = 0;
    const pager = sf.queryPages(soql(null), {
      batchSize: 200,
      restart: (last) => {
        restarts.push(last);
        return soql(last?.Id ?? null);
      },
    });
    for await (const page of pager) {
      total ||= page.totalSize;
      ids.push(...page.records.map((r) => r.Id!));
      if (ids.length === 400) await setFaults({ expireLocators: true });
    }
    expect(restarts.length).toBe(1);
    expect(restarts[0]!.Id).toBe(ids[399]);
    expect(ids.length).toBe(total);
    expect(new Set(ids).size).toBe(total);
  });

  it("without a restart, a dead locator is thrown", async () => {
    const ws = await connected();
    const sf = await openSalesforce(firstShard, ws.id);
    const pager = sf.queryPages("SELECT Id FROM Lead ORDER BY Id", { batchSize: 200 });
    await pager.next();
    await setFaults({ expireLocators: true });
    const err = await failureOf(pager.next());
    expect(err.sfErrorCode).toBe("INVALID_QUERY_LOCATOR");
  });
});
