import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, jsonInit } from "./helpers";
import {
  connectedWorkspace,
  expectCountsMatchRecords,
  fake,
  NONE,
  onlyObjects,
  recordsOf,
  resetFake,
  runsOf,
  settle,
  syncNow,
} from "./sync-helpers";

interface Call {
  kind: string;
  status: number;
  query?: string;
}

type Ws = Awaited<ReturnType<typeof connectedWorkspace>>;

async function makeSecret(ws: Ws): Promise<{ url: string; secret: string }> {
  const res = await call("/api/v1/settings/push/secret", { method: "POST", headers: ws.auth });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { url: string; secret: string };
}

const push = (ws: Ws, body: unknown, headers: Record<string, string>) =>
  call(`/api/v1/salesforce/push/${ws.id}`, jsonInit("POST", body, headers));

function outboundMessage(orgId: string, type: string, ids: string[]): string {
  const notes = ids
    .map(
      (id, i) =>
        `<Notification><Id>04l00000000000${i}AAA</Id><sObject xsi:type="sf:${type}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>${id}</sf:Id></sObject></Notification>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound">
<OrganizationId>${orgId}</OrganizationId><ActionId>04k000000000001AAA</ActionId><SessionId xsi:nil="true"/>
<EnterpriseUrl>https://x.my.salesforce.com/services/Soap/c/62.0</EnterpriseUrl><PartnerUrl>https://x.my.salesforce.com/services/Soap/u/62.0</PartnerUrl>
${notes}</notifications></soapenv:Body></soapenv:Envelope>`;
}

async function leadIds(n: number): Promise<string[]> {
  const { records } = await fake<{ records: { Id: string }[] }>("GET", "/__fake/records/Lead");
  return records.slice(0, n).map((r) => r.Id);
}

async function orgIdOf(workspaceId: string): Promise<string> {
  const row = await env.DB.prepare("SELECT org_id FROM connections WHERE workspace_id = ?")
    .bind(workspaceId)
    .first<{ org_id: string }>();
  return row!.org_id;
}

describe("push from Salesforce", () => {
  beforeEach(async () => {
    await resetFake({ counts: { ...NONE, Lead: 30, Account: 5 } });
  });

  it("a missing, wrong or never-made secret is 401, and a new secret stops the old one", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    // No secret made yet: nothing opens the endpoint.
    expect((await push(ws, { object: "Lead" }, { authorization: "Bearer sps_guess" })).status).toBe(401);
    const shown = await call("/api/v1/settings/push", { headers: ws.auth });
    expect(shown.status).toBe(200);
    expect(await shown.json()).toMatchObject({ secret: null, url: `http://localhost/api/v1/salesforce/push/${ws.id}` });

    const { secret } = await makeSecret(ws);
    expect(secret).toMatch(/^sps_/);
    const missing = await push(ws, { object: "Lead" }, {});
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    expect((await push(ws, { object: "Lead" }, { authorization: `Bearer ${secret}x` })).status).toBe(401);
    // Another workspace's secret does not open this one.
    const other = await connectedWorkspace(onlyObjects("Lead"));
    const theirs = await makeSecret(other);
    expect((await push(ws, { object: "Lead" }, { authorization: `Bearer ${theirs.secret}` })).status).toBe(401);

    expect((await push(ws, { object: "Lead" }, { authorization: `Bearer ${secret}` })).status).toBe(202);
    const { secret: next } = await makeSecret(ws);
    expect((await push(ws, { object: "Lead" }, { authorization: `Bearer ${secret}` })).status).toBe(401);
    expect((await push(ws, { object: "Lead" }, { authorization: `Bearer ${next}` })).status).toBe(202);
    // Settings shows the secret and that Salesforce used it.
    const after = (await (await call("/api/v1/settings/push", { headers: ws.auth })).json()) as {
      secret: string;
      lastUsedAt: string | null;
    };
    expect(after.secret).toBe(next);
    expect(after.lastUsedAt).not.toBeNull();
    await settle(ws.id);
    await settle(other.id);
  });

  it("an unknown object, one not enabled, or a body that is not a push is 400 naming the field", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const { secret } = await makeSecret(ws);
    const auth = { authorization: `Bearer ${secret}` };
    const unknown = await push(ws, { object: "Invoice__c" }, auth);
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(await unknown.json())).toContain("object");
    const disabled = await push(ws, { object: "Account" }, auth);
    expect(disabled.status).toBe(400);
    expect(JSON.stringify(await disabled.json())).toContain("not enabled");
    expect((await push(ws, {}, auth)).status).toBe(400);
    expect((await push(ws, { object: "Lead", extra: 1 }, auth)).status).toBe(400);
    expect((await push(ws, "{not json", auth)).status).toBe(400);
    const soap = await call(`/api/v1/salesforce/push/${ws.id}?secret=${secret}`, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: outboundMessage(await orgIdOf(ws.id), "Invoice__c", ["00Q000000000001AAA"]),
    });
    expect(soap.status).toBe(400);
    const notSoap = await call(`/api/v1/salesforce/push/${ws.id}?secret=${secret}`, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: "<hello/>",
    });
    expect(notSoap.status).toBe(400);
    // Nothing was queued by any of them.
    const due = await env.DB.prepare(
      "SELECT count(*) AS n FROM sync_state WHERE workspace_id = ? AND push_due_at IS NOT NULL",
    )
      .bind(ws.id)
      .first<{ n: number }>();
    expect(due?.n).toBe(0);
  });

  it("pushes within the debounce share one incremental cycle, which reads the change", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    const { secret } = await makeSecret(ws);
    const [id] = await leadIds(1);
    await fake("PATCH", "/__fake/records", { object: "Lead", records: [{ Id: id, Title: "Pushed VP" }] });
    await fake("DELETE", "/__fake/calls");

    const answers = [];
    for (let i = 0; i < 6; i++)
      answers.push(await push(ws, { object: "lead", ids: [id] }, { authorization: `Bearer ${secret}` }));
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as { object: string; queued: boolean }[];
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 202]);
    expect(bodies.map((b) => b.queued)).toEqual([true, false, false, false, false, false]);
    expect(bodies[0]!.object).toBe("Lead");

    const deadline = Date.now() + 20_000;
    let pushed: Awaited<ReturnType<typeof runsOf>> = [];
    while (Date.now() < deadline) {
      pushed = (await runsOf(ws.id)).filter((r) => r.kind === "incremental");
      if (pushed.length && pushed.every((r) => r.status !== "in_progress")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await settle(ws.id);
    pushed = (await runsOf(ws.id)).filter((r) => r.kind === "incremental");
    expect(pushed.map((r) => [r.salesforce_object, r.status, r.updated])).toEqual([["Lead", "completed", 1]]);
    const note = await env.DB.prepare("SELECT note FROM runs WHERE id = ?")
      .bind(pushed[0]!.id)
      .first<{ note: string }>();
    expect(note?.note).toBe("salesforce_push");
    expect((await recordsOf(pushed[0]!.id)).map((r) => r.salesforce_id)).toEqual([id]);
    await expectCountsMatchRecords(ws.id);
    // One cycle: the six pushes cost one Lead query, not six.
    const calls = (await fake<Call[]>("GET", "/__fake/calls")).filter((c) => c.kind.startsWith("query"));
    expect(calls.filter((c) => c.query?.includes("FROM Lead ")).length, JSON.stringify(calls)).toBe(1);

    // After the cycle started, a new push queues a cycle of its own.
    const again = await push(ws, { object: "Lead" }, { authorization: `Bearer ${secret}` });
    expect(((await again.json()) as { queued: boolean }).queued).toBe(true);
    await new Promise((r) => setTimeout(r, 1_500));
    await settle(ws.id);
  });

  it("an Outbound Message is answered with Salesforce's acknowledgement and starts the cycle", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    const { secret } = await makeSecret(ws);
    const [id] = await leadIds(1);
    await fake("PATCH", "/__fake/records", { object: "Lead", records: [{ Id: id, Title: "SOAP VP" }] });
    const res = await call(`/api/v1/salesforce/push/${ws.id}?secret=${secret}`, {
      method: "POST",
      headers: { "content-type": "text/xml; charset=utf-8", soapaction: '""' },
      body: outboundMessage(await orgIdOf(ws.id), "Lead", [id!]),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/xml/);
    const ack = await res.text();
    expect(ack).toContain('<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">');
    expect(ack).toContain("<Ack>true</Ack>");
    const wrongOrg = await call(`/api/v1/salesforce/push/${ws.id}?secret=${secret}`, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: outboundMessage("00D000000000999AAA", "Lead", [id!]),
    });
    expect(wrongOrg.status).toBe(403);

    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const done = (await runsOf(ws.id)).filter((r) => r.kind === "incremental" && r.status === "completed");
      if (done.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await settle(ws.id);
    const pushed = (await runsOf(ws.id)).filter((r) => r.kind === "incremental");
    expect(pushed.map((r) => [r.status, r.updated])).toEqual([["completed", 1]]);
  });
});
