import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { INBOUND_FAIL, INBOUND_SKIP } from "../../worker/sync/reasons";
import { call, jsonInit } from "./helpers";
import { connectedWorkspace, expectCountsMatchRecords, fake, resetFake, runsOf, syncNow } from "./sync-helpers";

type Ws = Awaited<ReturnType<typeof connectedWorkspace>>;

async function insert(object: string, records: Record<string, unknown>[]): Promise<string[]> {
  return (await fake<{ ids: string[] }>("POST", "/__fake/records", { object, records })).ids;
}

interface ApiRecord {
  salesforceId: string | null;
  status: string;
  action: string | null;
  reason: { code: string; message: string; explanation: string } | null;
  changes: { field: string; from: unknown; to: unknown }[];
  externalCreatedAt: string | null;
}

/** Every record of every inbound run of the workspace, through the read API. */
async function allRecords(ws: Ws): Promise<ApiRecord[]> {
  const out: ApiRecord[] = [];
  for (const run of await runsOf(ws.id)) {
    const res = await call(`/api/v1/sync/runs/${run.id}/records?limit=200`, { headers: ws.auth });
    expect(res.status).toBe(200);
    out.push(...((await res.json()) as { records: ApiRecord[] }).records);
  }
  return out;
}

function byId(records: ApiRecord[], id: string) {
  const found = records.filter((r) => r.salesforceId === id);
  expect(found.length, `records for ${id}`).toBeGreaterThan(0);
  return found[found.length - 1]!;
}

describe("inbound reasons, produced from the fake org's data", () => {
  let ws: Ws;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await resetFake({
      counts: { Lead: 0, Contact: 0, Account: 0, Opportunity: 0, OpportunityContactRole: 0, Conversion_Event__c: 0 },
    });
    [ids.acme, ids.excluded, ids.broken] = await insert("Account", [
      { Name: "Acme" },
      { Name: "Excluded Co", Do_Not_Sync__c: true },
      { Name: "Broken Co" },
    ]);
    [
      ids.noEmail,
      ids.badEmail,
      ids.converted,
      ids.dnsLead,
      ids.noId,
      ids.dupLead,
      ids.okLead,
      ids.badStamp,
      ids.badType,
      ids.alien,
    ] = await insert("Lead", [
      { LastName: "Noemail", Company: "X" },
      { LastName: "Bad", Company: "X", Email: "bad@example.com" },
      { LastName: "Conv", Company: "X", Email: "conv-lead@example.com", IsConverted: true },
      { LastName: "Dns", Company: "X", Email: "dns@example.com", Do_Not_Sync__c: true },
      { LastName: "Noid", Company: "X", Email: "noid@example.com" },
      { LastName: "Dup", Company: "X", Email: "dup@example.com" },
      { LastName: "Ok", Company: "X", Email: "ok@example.com" },
      { LastName: "Stamp", Company: "X", Email: "stamp@example.com" },
      { LastName: "Typed", Company: "X", Email: "typed@example.com" },
      { LastName: "Alien", Company: "X", Email: "alien@example.com" },
    ]);
    [ids.conv, ids.dup, ids.orphan] = await insert("Contact", [
      { LastName: "Conv", Email: "conv@example.com", AccountId: ids.acme },
      { LastName: "Dup", Email: "dup@example.com", AccountId: ids.acme },
      { LastName: "Orphan", Email: "orphan@example.com", AccountId: ids.excluded },
    ]);
    [ids.deal, ids.excludedDeal] = await insert("Opportunity", [
      { Name: "Deal", StageName: "Prospecting", CloseDate: "2026-12-01", AccountId: ids.acme },
      { Name: "Excluded deal", StageName: "Prospecting", CloseDate: "2026-12-01", AccountId: ids.excluded },
    ]);
    [ids.role, ids.roleNoOpp, ids.roleNoContact] = await insert("OpportunityContactRole", [
      { OpportunityId: ids.deal, ContactId: ids.conv, Role: "Decision Maker" },
      { OpportunityId: ids.excludedDeal, ContactId: ids.conv, Role: "Influencer" },
      { OpportunityId: ids.deal, ContactId: ids.orphan, Role: "Influencer" },
    ]);
    [ids.event, ids.noName, ids.noIdent, ids.nobody, ids.conflict, ids.badJson, ids.deep, ids.badTime] = await insert(
      "Conversion_Event__c",
      [
        { Event_Name__c: "Webinar attended", Email__c: "conv@example.com", Properties__c: '{"topic":"sync"}' },
        { Email__c: "conv@example.com" },
        { Event_Name__c: "Anonymous" },
        { Event_Name__c: "Ghost", Email__c: "nobody@example.com" },
        { Event_Name__c: "Mixed", Email__c: "conv@example.com", User_Id__c: "u-2" },
        { Event_Name__c: "Broken", Email__c: "conv@example.com", Properties__c: "{not json" },
        { Event_Name__c: "Deep", Email__c: "conv@example.com" },
        { Event_Name__c: "Late", Email__c: "conv@example.com" },
      ],
    );
    await fake("POST", "/__fake/faults", {
      corruptRecords: [
        { id: ids.broken, set: { Name: null } },
        { id: ids.badEmail, set: { Email: "bad@@example..com" } },
        { id: ids.noId, set: { Id: null } },
        { id: ids.badStamp, set: { SystemModstamp: "yesterday" } },
        { id: ids.badType, set: { FirstName: 42 } },
        { id: ids.alien, set: { attributes: { type: "Opportunity" } } },
        { id: ids.deep, set: { Properties__c: '{"a":'.repeat(20_000) + "1" + "}".repeat(20_000) } },
        { id: ids.badTime, set: { Occurred_At__c: "not a date" } },
      ],
    });

    ws = await connectedWorkspace({
      objects: { Conversion_Event__c: { enabled: true } },
      syncRules: ["Lead", "Contact", "Account"].map((object) => ({ object, field: "Do_Not_Sync__c", equals: true })),
    });
    // A contact Conversion already knows by user id, for the conflicting-identifier event.
    await env.DB.prepare(
      "INSERT INTO contacts (id, workspace_id, email, user_id) VALUES ('ct_u2', ?, 'u2@example.com', 'u-2')",
    )
      .bind(ws.id)
      .run();
    await syncNow(ws);

    // Second cycle: update-only contacts, a Lead duplicating a Contact, an outdated Lead.
    const patch = await call(
      "/api/v1/settings",
      jsonInit("PATCH", { objects: { Contact: { writeMode: "update_only" } } }, ws.auth),
    );
    expect(patch.status).toBe(200);
    [ids.newContact] = await insert("Contact", [{ LastName: "New", Email: "new@example.com" }]);
    await fake("POST", "/__fake/faults", {
      corruptRecords: [{ id: ids.okLead, set: { SystemModstamp: "2020-01-01T00:00:00.000+0000" } }],
    });
    await fake("PATCH", "/__fake/records", {
      object: "Lead",
      records: [
        { Id: ids.dupLead, Title: "Stale duplicate" },
        { Id: ids.okLead, Title: "Old news" },
      ],
    });
    await syncNow(ws);
  });

  const expected: [keyof typeof ids, string, "skipped" | "failed"][] = [
    ["noEmail", "missing_email", "skipped"],
    ["badEmail", "invalid_email", "skipped"],
    ["converted", "lead_converted", "skipped"],
    ["dnsLead", "do_not_sync", "skipped"],
    ["excluded", "do_not_sync", "skipped"],
    ["orphan", "no_account_association", "skipped"],
    ["newContact", "write_mode_mismatch", "skipped"],
    ["roleNoOpp", "opportunity_not_found", "skipped"],
    ["roleNoContact", "contact_not_found", "skipped"],
    ["nobody", "contact_not_found", "skipped"],
    ["noIdent", "missing_identifier", "skipped"],
    ["conflict", "conflicting_identifier", "skipped"],
    ["noName", "missing_event_name", "skipped"],
    ["dupLead", "conflicting_identifier", "skipped"],
    ["okLead", "outdated_record", "skipped"],
    ["broken", "malformed_data", "failed"],
    ["badType", "malformed_data", "failed"],
    ["badJson", "malformed_data", "failed"],
    ["deep", "encode_failed", "failed"],
    ["badTime", "invalid_timestamp", "failed"],
    ["alien", "unknown_error", "failed"],
  ];

  it.each(expected)("%s → %s (%s), with the catalogue's message and explanation", async (key, code, status) => {
    const record = byId(await allRecords(ws), ids[key]!);
    const catalogue = { ...INBOUND_SKIP, ...INBOUND_FAIL } as Record<string, { message: string; explanation: string }>;
    expect(record.status).toBe(status);
    expect(record.reason?.code).toBe(code);
    expect(record.reason?.message).toBe(catalogue[code]!.message);
    expect(record.reason?.explanation).toBe(catalogue[code]!.explanation);
  });

  it("records without an id or with an unreadable timestamp are reported, not lost", async () => {
    const records = await allRecords(ws);
    const missingId = records.filter((r) => r.reason?.code === "missing_external_id");
    // Without an id a record cannot be recognised when a look-back reads it again, so it may be reported twice.
    expect(missingId.length).toBeGreaterThanOrEqual(1);
    expect(missingId[0]!.salesforceId).toBeNull();
    const badStamp = records.filter((r) => r.salesforceId === ids.badStamp);
    expect(badStamp[0]?.reason?.code).toBe("invalid_timestamp");
  });

  it("every inbound reason code of the catalogue is reachable", async () => {
    const codes = new Set((await allRecords(ws)).map((r) => r.reason?.code).filter(Boolean));
    // Unknown reason is the catalogue's fallback for a code it does not know: no classifier gives it
    // any more (the Lead shadowed by a Contact now says Conflicting identifier, with why).
    for (const code of [...Object.keys(INBOUND_SKIP), ...Object.keys(INBOUND_FAIL)].filter(
      (c) => c !== "unknown_reason",
    ))
      expect(codes, code).toContain(code);
  });

  it("a Contact whose Account arrives in the same cycle is associated, and changes are recorded", async () => {
    const company = await env.DB.prepare("SELECT id FROM companies WHERE workspace_id = ? AND salesforce_id = ?")
      .bind(ws.id, ids.acme)
      .first<{ id: string }>();
    const contact = await env.DB.prepare("SELECT company_id FROM contacts WHERE workspace_id = ? AND salesforce_id = ?")
      .bind(ws.id, ids.conv)
      .first<{ company_id: string }>();
    expect(contact?.company_id).toBe(company?.id);
    const created = byId(await allRecords(ws), ids.conv);
    expect(created.action).toBe("created");
    expect(created.changes).toContainEqual({ field: "email", from: null, to: "conv@example.com" });
    expect(created.externalCreatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const role = await env.DB.prepare("SELECT count(*) AS n FROM opportunity_contact_roles WHERE workspace_id = ?")
      .bind(ws.id)
      .first<{ n: number }>();
    expect(role?.n).toBe(1);
    const events = await env.DB.prepare("SELECT name, properties FROM events WHERE workspace_id = ?")
      .bind(ws.id)
      .all<{ name: string; properties: string }>();
    expect(events.results).toEqual([{ name: "Webinar attended", properties: '{"topic":"sync"}' }]);
  });

  it("a record deleted in Salesforce is deleted in Conversion and counted as deleted", async () => {
    await fake("DELETE", "/__fake/records", { object: "Contact", ids: [ids.conv] });
    await syncNow(ws);
    const gone = await env.DB.prepare("SELECT count(*) AS n FROM contacts WHERE workspace_id = ? AND salesforce_id = ?")
      .bind(ws.id, ids.conv)
      .first<{ n: number }>();
    expect(gone?.n).toBe(0);
    const contactRuns = (await runsOf(ws.id)).filter((r) => r.salesforce_object === "Contact");
    expect(contactRuns[contactRuns.length - 1]!.deleted).toBe(1);
    expect(byId(await allRecords(ws), ids.conv).action).toBe("deleted");
  });

  it("a look-back re-read does not report a skipped record again", async () => {
    const records = await allRecords(ws);
    expect(records.filter((r) => r.salesforceId === ids.noEmail)).toHaveLength(1);
    expect(records.filter((r) => r.salesforceId === ids.badEmail)).toHaveLength(1);
  });

  it("each run's counts equal its records", async () => {
    expect(await expectCountsMatchRecords(ws.id)).toBeGreaterThan(5);
  });
});
