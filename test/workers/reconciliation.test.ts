import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker";
import { reapStalledRuns, STALE_RUN_MS } from "../../worker/sync/reaper";
import { ALL_RECORDS, expectRunCountsMatchRecords } from "./assert-counts";
import { call, firstShard } from "./helpers";
import { apiJson, cronTick, until } from "./outbound.fixtures";
import { connectedWorkspace, fake, resetFake, settle } from "./sync-helpers";

// A seeded random schedule of faults during syncs in both directions; once the faults stop and
// everything settles, Conversion must equal the fake org (except what a recorded reason explains).

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type SfRow = Record<string, any> & { Id: string; IsDeleted: boolean };
type Row = Record<string, any>;

const PEOPLE = ["Lead", "Contact"] as const;

async function sfAll(object: string): Promise<SfRow[]> {
  return (await fake<{ records: SfRow[] }>("GET", `/__fake/records/${object}`)).records;
}

async function rows(sql: string, ...binds: unknown[]): Promise<Row[]> {
  return (
    await env.DB.prepare(sql)
      .bind(...binds)
      .all<Row>()
  ).results;
}

async function pendingOutbox(workspaceId: string): Promise<number> {
  const [r] = await rows(
    "SELECT count(*) AS n FROM outbox WHERE workspace_id = ? AND processed_at IS NULL",
    workspaceId,
  );
  return r!.n;
}

/**
 * Nothing in progress and no lease held; with `drained`, the outbox empty too. A consumer that
 * crashed under the faults leaves its run in progress: as in production, the reaper fails it once
 * it stops heartbeating (here the clock is moved past the reaper's limit instead of waiting).
 */
async function quiet(workspaceId: string, drained = false) {
  if (drained) await until("outbox drained", async () => (await pendingOutbox(workspaceId)) === 0, 120_000);
  try {
    await settle(workspaceId, 60_000);
  } catch {
    await reapStalledRuns(firstShard, Date.now() + STALE_RUN_MS + 1_000);
    await settle(workspaceId, 60_000);
  }
}

/** Delivers messages to the Worker's queue handler as Queues would, retries included (up to 5 deliveries). */
async function redeliver(bodies: unknown[]) {
  let pending = bodies.map((body, i) => ({ id: `dup-${crypto.randomUUID()}-${i}`, body }));
  for (let attempts = 1; pending.length && attempts <= 5; attempts++) {
    const batch = createMessageBatch(
      "sync-outbound",
      pending.map((m) => ({ ...m, timestamp: new Date(), attempts })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const retried = new Set((await getQueueResult(batch, ctx)).retryMessages.map((m) => m.msgId));
    pending = pending.filter((m) => retried.has(m.id));
  }
}

const pick = <T>(rand: () => number, list: T[], n: number): T[] => {
  const copy = [...list];
  const out: T[] = [];
  while (out.length < n && copy.length) out.push(copy.splice(Math.floor(rand() * copy.length), 1)[0]!);
  return out;
};

describe("reconciliation under a seeded schedule of faults", () => {
  it("settles to Conversion = Salesforce, with every outbound change in Salesforce and every run's counts equal to its records", async () => {
    const rand = prng(20261129);
    await resetFake({
      conversionIdField: false,
      seed: 11,
      defects: true,
      counts: {
        Account: 2_000,
        Contact: 6_000,
        Lead: 12_000,
        Opportunity: 0,
        OpportunityContactRole: 0,
        Conversion_Event__c: 0,
      },
    });
    const ws = await connectedWorkspace({
      objects: { Opportunity: { enabled: false }, OpportunityContactRole: { enabled: false } },
      syncRules: ["Lead", "Contact", "Account"].map((object) => ({ object, field: "Do_Not_Sync__c", equals: true })),
    });
    // People in Salesforce delete Leads while the backfill pages (some behind records it then reads).
    const deletedLeads = async () => (await sfAll("Lead")).filter((r) => r.IsDeleted).length;
    const deletedBefore = await deletedLeads();
    await fake("POST", "/__fake/faults", {
      mutateDuringPaging: { object: "Lead", everyNPages: 2, count: 0, deletes: 3 },
    });
    await apiJson(ws, "POST", "/sync/inbound");
    await quiet(ws.id, true);
    expect(await deletedLeads(), "Leads deleted during the backfill").toBeGreaterThan(deletedBefore);

    // What Conversion asked Salesforce to hold: contact id → title, pushed through the outbox.
    const expectedTitles = new Map<string, string>();
    const faults = [
      () => ({ http500: 1 + Math.floor(rand() * 3) }),
      () => ({ http503: 1 + Math.floor(rand() * 3) }),
      () => ({ latencyMs: 5 + Math.floor(rand() * 20) }),
      () => ({ afterCalls: Math.floor(rand() * 4), then: { expireAccessTokens: true } }),
      () => ({ afterCalls: 1 + Math.floor(rand() * 3), then: { http500: 12 } }), // outlasts in-call retries: a consumer crash
      () => ({ afterCalls: 1, then: { expireLocators: true } }),
      // Salesforce users editing Contacts while a sync pages through them (Conversion edits only Lead-linked contacts,
      // so no record is edited on both sides at once: who wins such a race is not what this checks).
      () => ({ mutateDuringPaging: { object: "Contact", everyNPages: 1, count: 40 } }),
      () => ({ mutateDuringPaging: { object: "Contact", count: 20, lateBySeconds: 300 } }),
    ];
    // Pushes that commit in Salesforce and lose their answer (the connection drops, or a 5xx comes
    // back), in every round: the round's first creates or its first write calls of any kind.
    const lostAnswers = () => ({
      loseAnswers: {
        times: 1 + Math.floor(rand() * 2),
        as: (["drop", 500, 502] as const)[Math.floor(rand() * 3)],
        ...(rand() < 0.6 ? { op: "create" } : {}),
      },
    });

    for (let round = 0; round < 5; round++) {
      await fake("DELETE", "/__fake/faults");
      for (const make of [...pick(rand, faults, 2), lostAnswers]) await fake("POST", "/__fake/faults", make());

      // Salesforce side: edits, deletes, new records.
      const [leads, contacts] = await Promise.all(PEOPLE.map((o) => sfAll(o)));
      const live = (list: SfRow[]) => list.filter((r) => !r.IsDeleted && !r.IsConverted);
      const conversionOwned = new Set(
        (
          await rows(
            "SELECT salesforce_id FROM contacts WHERE workspace_id = ? AND id IN (SELECT value FROM json_each(?))",
            ws.id,
            JSON.stringify([...expectedTitles.keys()]),
          )
        ).map((r) => r.salesforce_id),
      );
      const editable = (list: SfRow[]) => live(list).filter((r) => !conversionOwned.has(r.Id));
      // Both sides never edit one record in the same round: last-writer-wins between two people is not what this checks.
      const leadEdits = pick(rand, editable(leads), 150);
      const contactEdits = pick(rand, editable(contacts), 100);
      const leadDeletes = pick(rand, editable(leads), 30);
      const sfEdited = new Set([...leadEdits, ...contactEdits, ...leadDeletes].map((r) => r.Id));
      await fake("PATCH", "/__fake/records", {
        object: "Lead",
        records: leadEdits.map((r) => ({
          Id: r.Id,
          Title: `Lead title r${round}`,
          Phone: `+1 555 ${round}${Math.floor(rand() * 1000)}`,
        })),
      });
      await fake("PATCH", "/__fake/records", {
        object: "Contact",
        records: contactEdits.map((r) => ({ Id: r.Id, FirstName: `Ré${round}` })),
      });
      await fake("DELETE", "/__fake/records", { object: "Lead", ids: leadDeletes.map((r) => r.Id) });
      // Deletes Salesforce stops telling: hard deletes, and (once) soft deletes left 16 days to be purged.
      const gone = pick(
        rand,
        editable(leads).filter((r) => !sfEdited.has(r.Id)),
        12,
      );
      await fake("DELETE", "/__fake/records", { object: "Lead", ids: gone.slice(0, 6).map((r) => r.Id), hard: true });
      await fake("DELETE", "/__fake/records", { object: "Lead", ids: gone.slice(6).map((r) => r.Id) });
      if (round === 2) await fake("POST", "/__fake/clock", { advanceSeconds: 16 * 86_400 });
      // Leads converted, and Contacts merged, by people in Salesforce.
      const converted = pick(
        rand,
        editable(leads).filter((r) => !sfEdited.has(r.Id) && !gone.includes(r)),
        4,
      );
      for (const lead of converted) await fake("POST", "/__fake/convert-lead", { leadId: lead.Id });
      const [winner, loser] = pick(
        rand,
        editable(contacts).filter((r) => !sfEdited.has(r.Id)),
        2,
      );
      if (winner && loser)
        await fake("POST", "/__fake/merge", { object: "Contact", masterId: winner.Id, ids: [loser.Id] });
      await fake("POST", "/__fake/records", {
        object: "Lead",
        records: Array.from({ length: 40 }, (_, i) => ({
          LastName: `New${round}-${i}`,
          Company: "Newco",
          Email: `new-${round}-${i}@example.com`,
        })),
      });

      // Conversion side: edits to linked contacts (never the ones Salesforce edits this round), new contacts.
      const linked = await rows(
        "SELECT id, salesforce_id FROM contacts WHERE workspace_id = ? AND salesforce_object = 'Lead' ORDER BY id LIMIT 2000",
        ws.id,
      );
      const edited = new Set<string>();
      // Nor the Leads Salesforce deletes or converts this round: an edit of a record deleted meanwhile is lost with it.
      const removed = new Set([...gone, ...converted].map((r) => r.Id));
      // Nor Leads an earlier round hard-deleted or let be purged: Conversion cannot know of those until the
      // reconciliation at the end, so its edit fails in Salesforce and the reconciliation rightly removes the contact.
      const liveLeads = new Set(live(leads).map((r) => r.Id));
      for (const c of pick(
        rand,
        linked.filter(
          (c) => liveLeads.has(c.salesforce_id) && !sfEdited.has(c.salesforce_id) && !removed.has(c.salesforce_id),
        ),
        25,
      )) {
        const title = `Conversion title r${round}`;
        await apiJson(ws, "PATCH", `/contacts/${c.id}`, { title });
        expectedTitles.set(c.id, title);
        edited.add(c.id);
      }
      // Late commits: a long Salesforce transaction changes Phones, stamped 2 minutes back, behind what the
      // last round read (only INBOUND_LOOKBACK_SECONDS finds them), on Leads whose title Conversion just
      // edited (that edit must survive, and reach Salesforce) and on others.
      const untouched = new Set(
        live(leads)
          .filter((r) => !sfEdited.has(r.Id) && !gone.includes(r) && !converted.includes(r))
          .map((r) => r.Id),
      );
      const conversionEdited = linked
        .filter((c) => edited.has(c.id) && untouched.has(c.salesforce_id))
        .map((c) => c.salesforce_id as string);
      const lateTargets = [
        ...conversionEdited.slice(0, 10),
        ...pick(
          rand,
          [...untouched].filter((id) => !conversionEdited.includes(id)),
          10,
        ),
      ];
      expect(conversionEdited.length).toBeGreaterThan(0);
      await fake("PATCH", "/__fake/records", {
        object: "Lead",
        lateBySeconds: 120,
        records: lateTargets.map((Id, i) => ({ Id, Phone: `+1 555 77${round}${i}` })),
      });
      for (let i = 0; i < 5; i++) {
        const created = await apiJson<{ id: string }>(ws, "POST", "/contacts", {
          email: `api-${round}-${i}@example.com`,
          lastName: `Api${i}`,
          title: `Conversion title r${round}`,
        });
        expectedTitles.set(created.id, `Conversion title r${round}`);
      }
      // A duplicate delivery of the latest outbox messages, as Queues may do.
      const recent = await rows("SELECT id FROM outbox WHERE workspace_id = ? ORDER BY created_at DESC LIMIT 5", ws.id);
      await redeliver(recent.map((r) => ({ type: "outbound_change", workspaceId: ws.id, outboxId: r.id })));

      await apiJson(ws, "POST", "/sync/inbound");
      await quiet(ws.id);
    }

    // Faults stop; the sweep resends anything a failed push left, and two clean cycles settle both sides.
    await fake("DELETE", "/__fake/faults");
    for (let i = 0; i < 2; i++) {
      // Claims of pushes that failed under the faults lapse after minutes; let them lapse now.
      await env.DB.prepare(
        "UPDATE outbox SET sent_at = '2000-01-01T00:00:00.000Z' WHERE workspace_id = ? AND processed_at IS NULL",
      )
        .bind(ws.id)
        .run();
      await cronTick();
      await quiet(ws.id, true);
      await apiJson(ws, "POST", "/sync/inbound");
      await quiet(ws.id);
    }

    // Whatever Salesforce can no longer tell (purged, hard-deleted) a reconciliation run finds.
    const reconcile = await call("/api/v1/sync/reconcile", { method: "POST", headers: ws.auth });
    expect(reconcile.status, await reconcile.clone().text()).toBe(202);
    await quiet(ws.id);
    const checks = await rows("SELECT status, deleted FROM runs WHERE workspace_id = ? AND kind = 'reconcile'", ws.id);
    expect(checks.length).toBeGreaterThanOrEqual(3);
    expect(checks.every((r) => r.status === "completed")).toBe(true);

    // 1. Every Conversion change reached Salesforce.
    const pushed = await rows(
      "SELECT id, salesforce_id, salesforce_object FROM contacts WHERE workspace_id = ? AND id IN (SELECT value FROM json_each(?))",
      ws.id,
      JSON.stringify([...expectedTitles.keys()]),
    );
    expect(pushed).toHaveLength(expectedTitles.size);
    const sfById = new Map<string, SfRow>();
    for (const object of [...PEOPLE, "Account"]) for (const r of await sfAll(object)) sfById.set(r.Id, r);
    for (const c of pushed) {
      expect(c.salesforce_id, `contact ${c.id} has a Salesforce record`).toBeTruthy();
      expect(sfById.get(c.salesforce_id)?.Title, `title of ${c.salesforce_id}`).toBe(expectedTitles.get(c.id));
    }
    // …exactly once: no lost answer left a second record behind (this org has no Conversion_Id__c, so
    // every create went through the journal and, after a lost answer, a look-up).
    const created = [...sfById.values()].filter(
      (r) => !r.IsDeleted && typeof r.Email === "string" && /^api-\d+-\d+@example\.com$/.test(r.Email),
    );
    expect(created.length).toBe(5 * 5);
    const lostCreates = (await fake<{ kind: string; op?: string; lost?: unknown }[]>("GET", "/__fake/calls")).filter(
      (c) => c.kind === "collections" && c.op === "create" && c.lost !== undefined,
    );
    expect(lostCreates.length, "creates whose answer was lost").toBeGreaterThan(0);
    expect(new Set(created.map((r) => r.Email)).size, "one Salesforce record per contact Conversion created").toBe(
      created.length,
    );
    const [unprocessed] = await rows(
      "SELECT count(*) AS n FROM outbox WHERE workspace_id = ? AND processed_at IS NULL",
      ws.id,
    );
    expect(unprocessed!.n).toBe(0);

    // 2. Conversion equals Salesforce, except records whose latest outcome is a recorded skip or failure.
    const latest = new Map<string, Row>();
    for (const r of await rows(
      `SELECT r.salesforce_id, r.status, r.reason_code FROM ${ALL_RECORDS} r JOIN runs x ON x.id = r.run_id WHERE r.workspace_id = ? AND x.direction = 'inbound' AND r.salesforce_id IS NOT NULL ORDER BY r.created_at, x.started_at, r.seq`,
      ws.id,
    )) {
      latest.set(r.salesforce_id, r);
    }
    const contacts = await rows("SELECT * FROM contacts WHERE workspace_id = ?", ws.id);
    const bySfId = new Map(contacts.map((c) => [c.salesforce_id, c]));
    const byEmail = new Map(contacts.map((c) => [c.email, c]));
    const emailCount = new Map<string, number>();
    const livePeople = [...sfById.values()].filter(
      (r) => !r.IsDeleted && r.attributes?.type !== "Account" && r.Id.slice(0, 3) !== "001",
    );
    for (const r of livePeople)
      if (typeof r.Email === "string")
        emailCount.set(r.Email.toLowerCase(), (emailCount.get(r.Email.toLowerCase()) ?? 0) + 1);
    let compared = 0;
    for (const r of livePeople) {
      const outcome = latest.get(r.Id);
      if (outcome && outcome.status !== "success") continue;
      const email = String(r.Email ?? "").toLowerCase();
      const contact = bySfId.get(r.Id) ?? byEmail.get(email);
      expect(contact, `Salesforce ${r.Id} (${email}) is in Conversion`).toBeDefined();
      if (emailCount.get(email) !== 1 || contact!.salesforce_id !== r.Id) continue;
      const blank = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);
      expect({
        id: r.Id,
        first: contact!.first_name,
        last: contact!.last_name,
        title: contact!.title,
        phone: contact!.phone,
      }).toEqual({
        id: r.Id,
        first: blank(r.FirstName),
        last: blank(r.LastName),
        title: blank(r.Title),
        phone: blank(r.Phone),
      });
      compared++;
    }
    expect(compared).toBeGreaterThan(10_000);
    for (const c of contacts.filter((c) => c.salesforce_id)) {
      const sf = sfById.get(c.salesforce_id);
      expect(sf && !sf.IsDeleted, `contact ${c.email} points at a live Salesforce record`).toBe(true);
    }
    const companies = await rows("SELECT salesforce_id, name FROM companies WHERE workspace_id = ?", ws.id);
    const liveAccounts = [...sfById.values()].filter(
      (r) => r.Id.startsWith("001") && !r.IsDeleted && latest.get(r.Id)?.status === "success",
    );
    const companyBySf = new Map(companies.map((c) => [c.salesforce_id, c]));
    for (const a of liveAccounts) expect(companyBySf.get(a.Id)?.name, `account ${a.Id}`).toBe(String(a.Name).trim());

    // 3. The invariant, over every run of the workspace.
    expect(await expectRunCountsMatchRecords(ws.id)).toBeGreaterThan(10);
  }, 600_000);
});
