import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ALL_RECORDS, expectRunCountsMatchRecords } from "./assert-counts";
import { apiJson, outboundSetup, pushed, sfRecord } from "./outbound.fixtures";
import { onlyObjects, syncNow } from "./sync-helpers";

const scalar = async <T>(q: string, ...binds: unknown[]) =>
  (await env.DB.prepare(q)
    .bind(...binds)
    .first<{ v: T }>())!.v;

describe("no echo", () => {
  it("inbound → outbound → inbound: nothing that came from Salesforce goes back, and a push coming back counts as unchanged", async () => {
    const ws = await outboundSetup(onlyObjects("Lead"));

    // 1. Inbound brings the org's Leads in; inbound never writes the outbox, so nothing is pushed.
    await syncNow(ws);
    const imported = await scalar<number>(
      "SELECT count(*) AS v FROM contacts WHERE workspace_id = ? AND salesforce_object = 'Lead'",
      ws.id,
    );
    expect(imported).toBeGreaterThan(0);
    expect(await scalar<number>("SELECT count(*) AS v FROM outbox WHERE workspace_id = ?", ws.id)).toBe(0);

    // 2. A change in Conversion to an imported contact, and a new contact, are pushed.
    const linked = await env.DB.prepare(
      "SELECT id, salesforce_id FROM contacts WHERE workspace_id = ? AND salesforce_object = 'Lead' AND last_name IS NOT NULL LIMIT 1",
    )
      .bind(ws.id)
      .first<{ id: string; salesforce_id: string }>();
    await apiJson(ws, "PATCH", `/contacts/${linked!.id}`, { title: "Echo check", firstName: "Roundtrip" });
    const fresh = await apiJson(ws, "POST", "/contacts", {
      email: "roundtrip@example.com",
      firstName: "New",
      lastName: "Person",
    });
    // One call, and so one run, per operation: the update and the create.
    const pushes = await pushed(ws, 2);
    expect(pushes.map((p) => p.counts).sort((a, b) => a.created - b.created)).toMatchObject([
      { created: 0, updated: 1, failed: 0 },
      { created: 1, updated: 0, failed: 0 },
    ]);
    expect(await sfRecord("Lead", linked!.salesforce_id)).toMatchObject({
      Title: "Echo check",
      FirstName: "Roundtrip",
    });
    const created = (await apiJson(ws, "GET", `/contacts/${fresh.id}`)).salesforceId as string;
    const before = await env.DB.prepare("SELECT * FROM contacts WHERE id IN (?, ?) ORDER BY id")
      .bind(linked!.id, fresh.id)
      .all();

    // 3. The next inbound sync reads both Leads back (the push changed them in Salesforce) and finds
    //    them unchanged: no run record (here, with nothing else changed, no inbound run at all).
    const cycleStart = new Date().toISOString();
    await syncNow(ws);
    const echoed = await scalar<number>(
      `SELECT count(*) AS v FROM ${ALL_RECORDS} WHERE workspace_id = ? AND salesforce_id IN (?, ?) AND run_id IN (SELECT id FROM runs WHERE direction = 'inbound' AND started_at >= ?)`,
      ws.id,
      linked!.salesforce_id,
      created,
      cycleStart,
    );
    expect(echoed).toBe(0);
    const after = await env.DB.prepare("SELECT * FROM contacts WHERE id IN (?, ?) ORDER BY id")
      .bind(linked!.id, fresh.id)
      .all();
    // Every field as the user left it; only inbound's bookkeeping of the Salesforce version moves.
    const userVisible = (rows: Record<string, unknown>[]) =>
      rows.map(
        ({ sf_modstamp: _s, external_created_at: _c, external_updated_at: _u, updated_at: _t, ...rest }) => rest,
      );
    expect(userVisible(after.results)).toEqual(userVisible(before.results));
    // The push noted the version it left in Salesforce, and reading that version back keeps it.
    for (const [i, row] of after.results.entries()) {
      const sfId = row.salesforce_id as string;
      const lead = await sfRecord("Lead", sfId);
      expect(Date.parse(before.results[i]!.sf_modstamp as string), sfId).toBe(Date.parse(lead.SystemModstamp));
      expect(Date.parse(row.sf_modstamp as string)).toBe(Date.parse(lead.SystemModstamp));
    }

    // 4. …and nothing goes out again: still only the two API writes in the outbox, still the same two runs.
    expect(await scalar<number>("SELECT count(*) AS v FROM outbox WHERE workspace_id = ?", ws.id)).toBe(2);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await pushed(ws, 2)).toHaveLength(2);
    await expectRunCountsMatchRecords(ws.id);
  });

  it("a contact pushed without a last name comes back without one, not as “[not provided]”", async () => {
    const ws = await outboundSetup(onlyObjects("Lead"));
    await syncNow(ws);
    const anon = await apiJson(ws, "POST", "/contacts", { email: "no-last-name@example.com", firstName: "Solo" });
    await pushed(ws, 1);
    const salesforceId = (await apiJson(ws, "GET", `/contacts/${anon.id}`)).salesforceId as string;
    expect(await sfRecord("Lead", salesforceId)).toMatchObject({ LastName: "[not provided]", FirstName: "Solo" });

    const cycleStart = new Date().toISOString();
    await syncNow(ws);
    const row = await env.DB.prepare("SELECT last_name, first_name FROM contacts WHERE id = ?").bind(anon.id).first();
    expect(row).toEqual({ last_name: null, first_name: "Solo" });
    // Read back as unchanged: no run record, and nothing queued to go out again.
    const echoed = await scalar<number>(
      `SELECT count(*) AS v FROM ${ALL_RECORDS} WHERE workspace_id = ? AND salesforce_id = ? AND run_id IN (SELECT id FROM runs WHERE direction = 'inbound' AND started_at >= ?)`,
      ws.id,
      salesforceId,
      cycleStart,
    );
    expect(echoed).toBe(0);
    expect(
      await scalar<number>("SELECT count(*) AS v FROM outbox WHERE workspace_id = ? AND processed_at IS NULL", ws.id),
    ).toBe(0);
  });
});
