// jsforce — a Salesforce client nobody here wrote — against the fake org: if it is happy with the
// OAuth flow, query paging and sObject Collections, the fake's shapes are Salesforce's.
import { Connection, OAuth2 } from "jsforce";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOrg, startFakeOrg } from "../fake-salesforce/server.ts";

const REDIRECT = "http://127.0.0.1:9/oauth/callback";
let org: FakeOrg;

beforeAll(async () => {
  org = await startFakeOrg({ port: 0, seed: 7, counts: { Lead: 6000 } });
});
afterAll(async () => {
  await org?.stop();
});

function oauth2(useVerifier = false) {
  return new OAuth2({
    loginUrl: org.url,
    clientId: "conversion-sync",
    clientSecret: "fake-org-secret",
    redirectUri: REDIRECT,
    useVerifier,
  });
}

/** The browser leg of the web server flow: the fake approves at once and redirects back with a code. */
async function authorizationCode(client: OAuth2, state: string): Promise<string> {
  const res = await fetch(client.getAuthorizationUrl({ scope: "api refresh_token", state }), { redirect: "manual" });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get("location")!);
  expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
  expect(back.searchParams.get("state")).toBe(state);
  return back.searchParams.get("code")!;
}

async function connect(useVerifier = false): Promise<Connection> {
  const client = oauth2(useVerifier);
  const conn = new Connection({ oauth2: client, version: "62.0" });
  const user = await conn.authorize(await authorizationCode(client, "s-" + useVerifier));
  expect(user.organizationId).toMatch(/^00D[A-Za-z0-9]{15}$/);
  expect(user.id).toMatch(/^005[A-Za-z0-9]{15}$/);
  expect(conn.instanceUrl).toBe(org.url);
  expect(conn.refreshToken).toBeTruthy();
  return conn;
}

describe("jsforce against the fake org", () => {
  it("authorizes through the web server flow, with and without PKCE", async () => {
    const conn = await connect(true);
    const identity = await conn.identity();
    expect(identity.username).toContain("@");
    expect(identity.organization_id).toBe(conn.userInfo!.organizationId);
    await connect(false);
  });

  it("pages through more than 5,000 records with queryMore and autoFetch", async () => {
    const conn = await connect();
    const first = await conn.query<{ Id: string; Email: string | null }>(
      "SELECT Id, Email, SystemModstamp FROM Lead ORDER BY SystemModstamp, Id",
    );
    expect(first.totalSize).toBe(6000);
    expect(first.done).toBe(false);
    expect(first.records).toHaveLength(2000);
    const ids = new Set(first.records.map((r) => r.Id));
    let page = first;
    while (!page.done) {
      page = await conn.queryMore<{ Id: string; Email: string | null }>(page.nextRecordsUrl!);
      for (const r of page.records) ids.add(r.Id);
    }
    expect(ids.size).toBe(6000);

    const fetched = await conn.query("SELECT Id FROM Lead", {
      autoFetch: true,
      maxFetch: 5500,
      headers: { "Sforce-Query-Options": "batchSize=500" },
    });
    expect(fetched.records).toHaveLength(5500);
    expect(fetched.totalSize).toBe(6000);
    const calls = (await (await fetch(`${org.url}/__fake/calls`)).json()) as { kind: string; batchSize?: number }[];
    expect(calls.filter((c) => c.kind === "queryMore" && c.batchSize === 500)).toHaveLength(10);
  });

  it("creates, updates and deletes through sObject Collections", async () => {
    const conn = await connect();
    const [account] = (await conn.sobject("Account").find({}, ["Id"]).limit(1)) as { Id: string }[];
    const created = await conn.sobject("Contact").create(
      [
        { FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com", AccountId: account.Id },
        { FirstName: "No", Email: "nolastname@example.com" },
        { FirstName: "Grace", LastName: "Hopper", LeadSource: "Carrier Pigeon" },
        { FirstName: "Alan", LastName: "Turing", Email: "alan@example.com" },
      ],
      { allOrNone: false },
    );
    expect(created.map((r) => r.success)).toEqual([true, false, false, true]);
    expect(created[1]).toMatchObject({
      success: false,
      errors: [{ statusCode: "REQUIRED_FIELD_MISSING", fields: ["LastName"] }],
    });
    expect(created[2].success ? [] : created[2].errors[0]).toMatchObject({
      statusCode: "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
    });
    const ids = [created[0], created[3]].map((r) => (r.success ? r.id : ""));
    expect(ids[0]).toMatch(/^003[A-Za-z0-9]{15}$/);

    const updated = await conn.sobject("Contact").update(
      [
        { Id: ids[0], Title: "Analyst" },
        { Id: ids[1], Title: "x".repeat(129) },
      ],
      { allOrNone: false },
    );
    expect(updated[0]).toMatchObject({ id: ids[0], success: true, errors: [] });
    expect(updated[1]).toMatchObject({
      success: false,
      errors: [{ statusCode: "STRING_TOO_LONG", fields: ["Title"] }],
    });
    const ada = (await conn.sobject("Contact").retrieve(ids[0])) as Record<string, unknown>;
    expect(ada.Title).toBe("Analyst");
    expect(ada.LastModifiedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/);

    const destroyed = await conn.sobject("Contact").destroy(ids);
    expect(destroyed.map((r) => r.success)).toEqual([true, true]);
    const live = await conn.query(`SELECT Id FROM Contact WHERE Id = '${ids[0]}'`);
    expect(live.totalSize).toBe(0);
    const all = await conn.query(`SELECT Id, IsDeleted FROM Contact WHERE Id = '${ids[0]}'`, { scanAll: true });
    expect(all.records).toMatchObject([{ Id: ids[0], IsDeleted: true }]);
  });

  it("refreshes an expired session on its own, and the rotated refresh token replaces the old one", async () => {
    const conn = await connect();
    const oldRefresh = conn.refreshToken!;
    const refreshed: string[] = [];
    conn.on("refresh", (_access: string, res: { refresh_token?: string }) => {
      refreshed.push(res.refresh_token!);
      conn.refreshToken = res.refresh_token;
    });
    await fetch(`${org.url}/__fake/faults`, { method: "POST", body: JSON.stringify({ expireAccessTokens: true }) });
    const result = await conn.query("SELECT COUNT() FROM Account");
    expect(result.totalSize).toBeGreaterThan(0);
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]).not.toBe(oldRefresh);
    await expect(oauth2().refreshToken(oldRefresh)).rejects.toMatchObject({ name: "invalid_grant" });
  });

  it("describes objects and reads limits", async () => {
    const conn = await connect();
    const lead = await conn.sobject("Lead").describe();
    expect(lead.keyPrefix).toBe("00Q");
    const source = lead.fields.find((f) => f.name === "LeadSource")!;
    expect(source.restrictedPicklist).toBe(true);
    expect(source.picklistValues!.map((p) => p.value)).toContain("Web");
    const limits = await conn.limits();
    expect(limits.DailyApiRequests.Max).toBe(100000);
    expect(limits.DailyApiRequests.Remaining).toBeLessThan(100000);
  });
});
