import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectWorkspace } from "./connect";
import { call } from "./helpers";
import {
  apiJson,
  apiWithoutSend,
  clearCalls,
  cronTick,
  fakeCalls,
  linkedContacts,
  pushed,
  until,
} from "./outbound.fixtures";
import { connectedWorkspace, fake, fakeUrl, NONE, onlyObjects, resetFake, syncNow, unlinked } from "./sync-helpers";

// After another org is connected, every Conversion record is unlinked until the new org's backfill
// links contacts again by email. A change pushed meanwhile would be a create: a second Lead for a
// person the new org already has. So creates of an object wait until its backfill is done; updates
// of records already linked to the new org go out.

const leadsByEmail = async (email: string) =>
  (await fake<{ records: Record<string, any>[] }>("GET", `/__fake/records/Lead?email=${encodeURIComponent(email)}`))
    .records;

/** Every outbox row of the workspace is done or unclaimed: no push of it is under way. */
const noPushUnderway = (workspaceId: string) =>
  until("no outbox row under a claim", async () => {
    const row = await env.DB.prepare(
      "SELECT count(*) AS n FROM outbox WHERE workspace_id = ? AND processed_at IS NULL AND run_id IS NOT NULL",
    )
      .bind(workspaceId)
      .first<{ n: number }>();
    return row!.n === 0;
  });

describe("outbound after an org switch", () => {
  it("holds creates until the new org's backfill has linked contacts again; updates of linked records go out", async () => {
    await resetFake({ counts: { ...NONE, Lead: 10, Account: 3 }, seed: 7 });
    const ws = await connectedWorkspace(onlyObjects("Lead", "Account"));
    await syncNow(ws);
    const [shared] = (
      await env.DB.prepare("SELECT id, email FROM contacts WHERE workspace_id = ? ORDER BY id LIMIT 1")
        .bind(ws.id)
        .all<{ id: string; email: string }>()
    ).results;

    // Another org (another seed, another organization id) that has the same person as a Lead.
    await resetFake({ counts: { ...NONE, Lead: 5 }, seed: 8 });
    await fake("POST", "/__fake/records", {
      object: "Lead",
      records: [{ LastName: "Shared", Company: "Both", Email: shared!.email }],
    });
    await connectWorkspace(ws, fakeUrl());
    // The old org's links are removed by a queued job; nothing syncs or goes out before it is done.
    await unlinked(ws.id);
    // Accounts no longer sync inbound: no backfill of them is coming, so company creates wait for nothing.
    await apiJson(ws, "PATCH", "/settings", { objects: { Account: { enabled: false } } });
    // A contact already linked to the new org (as its backfill would leave one).
    const [linked] = await linkedContacts(ws, "Lead", [{ email: "linked-in-new-org@example.com" }]);

    // Changes made before the new org's backfill ran: the shared person, a new contact, the linked one.
    await clearCalls();
    await apiWithoutSend(ws, "PATCH", `/contacts/${shared!.id}`, { title: "Edited meanwhile" });
    const fresh = await apiWithoutSend(ws, "POST", "/contacts", {
      email: "new-meanwhile@example.com",
      lastName: "New",
    });
    await apiWithoutSend(ws, "PATCH", `/contacts/${linked!.contactId}`, { title: "Still linked" });
    const company = await apiWithoutSend(ws, "POST", "/companies", { name: "Unheld Co" });
    await env.DB.prepare(
      "UPDATE outbox SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 seconds') WHERE workspace_id = ?",
    )
      .bind(ws.id)
      .run();
    await cronTick();
    const early = await pushed(ws, 2, { drained: false });
    await noPushUnderway(ws.id);
    const update = early.find((r) => r.salesforceObject === "Lead");
    expect(update).toMatchObject({ status: "completed", counts: { updated: 1, created: 0, failed: 0 } });
    expect(early.find((r) => r.salesforceObject === "Account")).toMatchObject({ counts: { created: 1 } });
    expect((await apiJson(ws, "GET", `/companies/${company.id}`)).salesforceId).toBeTruthy();
    const leadWrites = (await fakeCalls()).filter((c) => c.kind === "collections" && c.object === "Lead");
    expect(leadWrites.map((c) => c.op)).toEqual(["update"]);
    expect(await leadsByEmail(shared!.email), "no second Lead for the shared person").toHaveLength(1);
    expect(await leadsByEmail("new-meanwhile@example.com"), "the new contact waits").toHaveLength(0);
    const waiting = await env.DB.prepare(
      "SELECT count(*) AS n FROM outbox WHERE workspace_id = ? AND processed_at IS NULL",
    )
      .bind(ws.id)
      .first<{ n: number }>();
    expect(waiting!.n, "the creates wait, pending").toBe(2);

    // The backfill links the shared person to the new org's Lead; what waited goes out at once.
    await syncNow(ws);
    const runs = await pushed(ws, 4);
    expect(runs.slice(2).map((r) => r.counts)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ created: 0, updated: 1 }),
        expect.objectContaining({ created: 1, updated: 0 }),
      ]),
    );
    const sharedLeads = await leadsByEmail(shared!.email);
    expect(sharedLeads, "still one Lead for the shared person").toHaveLength(1);
    // Linked by the backfill (which keeps the edit still on its way out), then updated, not created.
    const contact = await apiJson(ws, "GET", `/contacts/${shared!.id}`);
    expect(contact).toMatchObject({ salesforceId: sharedLeads[0]!.Id, title: "Edited meanwhile" });
    expect(sharedLeads[0]!.Title).toBe("Edited meanwhile");
    const [created] = await leadsByEmail("new-meanwhile@example.com");
    expect((await apiJson(ws, "GET", `/contacts/${fresh.id}`)).salesforceId).toBe(created!.Id);
  }, 60_000);

  // A retry of a failed create made while creates wait would push nothing: an empty Completed retry,
  // and the original then counts as retried. It is refused with words instead, and works once the
  // new org's backfill has linked what it could.
  it("a retry that would create records while creates wait is refused (409 creates_waiting); after the backfill it creates them", async () => {
    await resetFake({ counts: { ...NONE, Lead: 3 }, seed: 9 });
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    await syncNow(ws);
    await fake("POST", "/__fake/faults", {
      recordErrors: [{ email: "refused@example.com", statusCode: "REQUIRED_FIELD_MISSING", fields: ["Company"] }],
    });
    await apiJson(ws, "POST", "/contacts", { email: "refused@example.com", lastName: "Refused" });
    const [original] = await pushed(ws, 1);
    expect(original).toMatchObject({ status: "completed", counts: { created: 0, failed: 1 } });

    await resetFake({ counts: { ...NONE, Lead: 3 }, seed: 10 });
    await connectWorkspace(ws, fakeUrl());
    await unlinked(ws.id);
    const refused = await call(`/api/v1/sync/runs/${original.id}/retry`, { method: "POST", headers: ws.auth });
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: "creates_waiting", message: expect.stringContaining("first sync") });
    const outbound = await apiJson<{ runs: unknown[] }>(ws, "GET", "/sync/runs?direction=outbound");
    expect(outbound.runs, "no retry run was opened").toHaveLength(1);

    await syncNow(ws);
    await apiJson(ws, "POST", `/sync/runs/${original.id}/retry`);
    const runs = await pushed(ws, 2);
    expect(runs[1]).toMatchObject({ kind: "retry", status: "completed", counts: { created: 1, failed: 0 } });
    expect(await leadsByEmail("refused@example.com")).toHaveLength(1);
  }, 60_000);
});
