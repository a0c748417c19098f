import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectRunCountsMatchRecords } from "./assert-counts";
import {
  apiJson,
  apiWithoutSend,
  cronTick,
  outboundSetup,
  pushed,
  sfRecord,
  until,
  type Ws,
} from "./outbound.fixtures";
import { fake, onlyObjects, recordsOf, runsOf, syncNow } from "./sync-helpers";

// Conversion's edits against inbound reads of older Salesforce versions: an inbound record never
// moves a Conversion record back, whether the edit is still in the outbox or already in Salesforce.

type Contact = { id: string; salesforce_id: string; title: string | null; phone: string | null; sf_modstamp: string };

async function contact(id: string): Promise<Contact> {
  return (await env.DB.prepare("SELECT * FROM contacts WHERE id = ?").bind(id).first<Contact>())!;
}

async function pendingOutbox(ws: Ws): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE workspace_id = ? AND processed_at IS NULL")
    .bind(ws.id)
    .first<{ n: number }>())!.n;
}

/** A workspace syncing Leads, backfilled, and one of its Lead-linked contacts. */
async function backfilled(settings: Record<string, unknown> = {}) {
  const ws = await outboundSetup({ ...onlyObjects("Lead"), ...settings });
  await syncNow(ws);
  const row = await env.DB.prepare(
    "SELECT id FROM contacts WHERE workspace_id = ? AND salesforce_object = 'Lead' AND last_name IS NOT NULL ORDER BY id LIMIT 1",
  )
    .bind(ws.id)
    .first<{ id: string }>();
  return { ws, linked: await contact(row!.id) };
}

/** Runs of this cycle's inbound sync, and their records for one Salesforce id. */
async function inboundRecordsOf(ws: Ws, salesforceId: string, since: string) {
  const out: Record<string, unknown>[] = [];
  for (const run of (await runsOf(ws.id)).filter((r) => r.started_at >= since))
    out.push(...(await recordsOf(run.id)).filter((r) => r.salesforce_id === salesforceId));
  return out;
}

describe("inbound reads never undo Conversion's edits", () => {
  it("an edit still in the outbox survives an inbound read of the version Conversion pushed before it; the edit then reaches Salesforce", async () => {
    const { ws, linked } = await backfilled();

    // Conversion's first edit reaches Salesforce; no inbound sync reads that version yet.
    await apiJson(ws, "PATCH", `/contacts/${linked.id}`, { title: "First edit" });
    await pushed(ws, 1);
    expect((await sfRecord("Lead", linked.salesforce_id)).Title).toBe("First edit");
    // A second edit, committed with its outbox row, whose queue send failed: it waits for the sweep.
    await apiWithoutSend(ws, "PATCH", `/contacts/${linked.id}`, { title: "Second edit" });
    expect(await pendingOutbox(ws)).toBe(1);
    // Someone in Salesforce changes another field of the same Lead meanwhile.
    await fake("PATCH", "/__fake/records", {
      object: "Lead",
      records: [{ Id: linked.salesforce_id, Phone: "+1 555 0100" }],
    });

    const since = new Date().toISOString();
    await syncNow(ws);
    const after = await contact(linked.id);
    // The Lead as Salesforce has it carries the first edit, older than the one waiting to go out.
    expect(after.title).toBe("Second edit");
    // What the pending edit did not touch follows Salesforce.
    expect(after.phone).toBe("+1 555 0100");
    const [record] = await inboundRecordsOf(ws, linked.salesforce_id, since);
    expect(JSON.parse(String(record?.changes))).toEqual([{ field: "phone", from: linked.phone, to: "+1 555 0100" }]);

    // The sweep sends the waiting edit: Salesforce ends with it, and so does Conversion.
    await cronTick();
    await until("outbox drained", async () => (await pendingOutbox(ws)) === 0);
    await pushed(ws, 2);
    expect((await sfRecord("Lead", linked.salesforce_id)).Title).toBe("Second edit");
    await syncNow(ws);
    expect((await contact(linked.id)).title).toBe("Second edit");
    await expectRunCountsMatchRecords(ws.id);
  });

  it("a pushed edit records the version it left in Salesforce: a read of an older version is Outdated record and changes nothing", async () => {
    const { ws, linked } = await backfilled();
    await apiJson(ws, "PATCH", `/contacts/${linked.id}`, { title: "Pushed title" });
    await pushed(ws, 1);
    const sf = await sfRecord("Lead", linked.salesforce_id);
    const stamp = new Date(Date.parse(String(sf.SystemModstamp).replace("+0000", "Z"))).toISOString();
    expect((await contact(linked.id)).sf_modstamp).toBe(stamp);

    // An answer carrying the version before the push (a page read just before the push committed,
    // applied just after): newer than what the backfill applied, older than what was pushed.
    const before = new Date(Date.parse(stamp) - 1000).toISOString().replace("Z", "+0000");
    expect(before > String(linked.sf_modstamp)).toBe(true);
    await fake("POST", "/__fake/faults", {
      corruptRecords: [{ id: linked.salesforce_id, set: { SystemModstamp: before, Title: linked.title } }],
    });
    const since = new Date().toISOString();
    await syncNow(ws);
    await fake("DELETE", "/__fake/faults");
    expect((await contact(linked.id)).title).toBe("Pushed title");
    const records = await inboundRecordsOf(ws, linked.salesforce_id, since);
    expect(records.map((r) => [r.status, r.reason_code])).toEqual([["skipped", "outdated_record"]]);
    await expectRunCountsMatchRecords(ws.id);
  });

  it("a pending edit of a field the push will not write (if_empty, and Salesforce has a value) follows Salesforce", async () => {
    const mappings = [
      { conversionField: "email", salesforceField: "Email", direction: "both", writeRule: "always" },
      { conversionField: "lastName", salesforceField: "LastName", direction: "both", writeRule: "always" },
      { conversionField: "title", salesforceField: "Title", direction: "both", writeRule: "if_empty" },
    ];
    const { ws, linked } = await backfilled({ fieldMappings: { contact: mappings } });
    await apiWithoutSend(ws, "PATCH", `/contacts/${linked.id}`, { title: "Conversion title", lastName: "Kept" });
    await fake("PATCH", "/__fake/records", {
      object: "Lead",
      records: [{ Id: linked.salesforce_id, Title: "Salesforce title", LastName: "Older" }],
    });
    await syncNow(ws);
    // The push will leave Salesforce's title (it has one) and write the last name.
    expect(await contact(linked.id)).toMatchObject({ title: "Salesforce title", last_name: "Kept" });
    await cronTick();
    await until("outbox drained", async () => (await pendingOutbox(ws)) === 0);
    expect(await sfRecord("Lead", linked.salesforce_id)).toMatchObject({ Title: "Salesforce title", LastName: "Kept" });
    await expectRunCountsMatchRecords(ws.id);
  });
});
