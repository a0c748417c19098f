import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EntitySet } from "../../worker/sync/entities";
import { findableWithoutRow } from "../../worker/sync/inbound/history";
import type { RunRecordInput } from "../../worker/sync/runs";
import { refOf } from "../../worker/sync/runs/history";
import { layoutPages } from "../../worker/sync/runs/pages";
import { call } from "./helpers";
import {
  connectedWorkspace,
  expectCountsMatchRecords,
  fake,
  NONE,
  onlyObjects,
  recordsOf,
  resetFake,
  runsOf,
  sfCreate,
  syncNow,
} from "./sync-helpers";

// No record ever becomes unfindable in record history, by its Salesforce id and by its email: a
// record either is found through the Conversion record holding its ref, or keeps a run_records row.
// The page decides in JavaScript only for records whose holder it inserts itself (inbound/history.ts
// findableWithoutRow); everything else is checked in SQL (runs/write.ts).

async function historyIds(ws: { auth: Record<string, string> }, query: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await call(`/api/v1/sync/records?${query}&limit=100${cursor ? `&cursor=${cursor}` : ""}`, {
      headers: ws.auth,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { records: { id: string }[]; nextCursor: string | null };
    ids.push(...body.records.map((r) => r.id));
    cursor = body.nextCursor;
  } while (cursor);
  return ids;
}

/** Every record of every inbound run of the workspace is in the history of its Salesforce id and of its email. */
async function expectEveryRecordFindable(ws: { id: string; auth: Record<string, string> }) {
  const seen = new Map<string, string[]>();
  const lookup = async (query: string) => {
    if (!seen.has(query)) seen.set(query, await historyIds(ws, query));
    return seen.get(query)!;
  };
  let checked = 0;
  for (const run of await runsOf(ws.id)) {
    for (const r of await recordsOf(run.id)) {
      if (r.salesforce_id)
        expect(await lookup(`salesforceId=${r.salesforce_id}`), `${r.id} (${r.status} ${r.action}) by id`).toContain(
          r.id,
        );
      if (r.email)
        expect(
          await lookup(`email=${encodeURIComponent(r.email)}`),
          `${r.id} (${r.status} ${r.action}) by email`,
        ).toContain(r.id);
      checked++;
    }
  }
  return checked;
}

async function keptRows(workspaceId: string) {
  const { results } = await env.DB.prepare(
    "SELECT salesforce_id, status, action, reason_code FROM run_records WHERE workspace_id = ? ORDER BY seq",
  )
    .bind(workspaceId)
    .all<{ salesforce_id: string; status: string; action: string | null; reason_code: string | null }>();
  return results;
}

describe("record history finds every inbound record", () => {
  it("created, updated, skipped, deleted, moved and email-changed records: each found by Salesforce id and by email", async () => {
    await resetFake({ counts: NONE });
    const [plain, doomed, renamed, converting, noEmail, badEmail, twinA] = await sfCreate("Lead", [
      { FirstName: "Ada", LastName: "Plain", Company: "A", Email: "ada.plain@example.com" },
      { FirstName: "Bo", LastName: "Doomed", Company: "B", Email: "bo.doomed@example.com" },
      { FirstName: "Cy", LastName: "Renamed", Company: "C", Email: "cy.before@example.com" },
      { FirstName: "Di", LastName: "Converting", Company: "D", Email: "di.convert@example.com" },
      { FirstName: "Ed", LastName: "NoEmail", Company: "E" },
      { FirstName: "Fa", LastName: "BadEmail", Company: "F", Email: "not an email" },
      { FirstName: "Gu", LastName: "Twin", Company: "G", Email: "twin@example.com" },
      { FirstName: "Ha", LastName: "Twin", Company: "H", Email: "twin@example.com" },
    ]);
    const ws = await connectedWorkspace(onlyObjects("Account", "Lead", "Contact"));
    await syncNow(ws);
    // The backfill's clean creates need no row; the skips (no email, bad email) keep one each, and so
    // does a create whose contact moved to another Lead with the same email.
    const skips = await keptRows(ws.id);
    expect(skips.map((r) => [r.salesforce_id, r.status, r.reason_code ?? r.action])).toEqual([
      [noEmail, "skipped", "missing_email"],
      [badEmail, "skipped", "invalid_email"],
      // The second Lead with the same email took the contact over in the same page: the first one's
      // create is no longer on a row under its Salesforce id.
      [twinA, "success", "created"],
    ]);
    expect(await expectEveryRecordFindable(ws)).toBe(8);

    // Then: an update, a delete, an email change, a conversion (the contact moves to the Contact),
    // and a new Lead in the same page as them.
    await fake("PATCH", "/__fake/records", {
      object: "Lead",
      records: [
        { Id: plain, Title: "CTO" },
        { Id: renamed, Email: "cy.after@example.com" },
      ],
    });
    await fake("DELETE", "/__fake/records", { object: "Lead", ids: [doomed] });
    await fake("POST", "/__fake/convert-lead", { leadId: converting });
    await sfCreate("Lead", [{ FirstName: "Io", LastName: "Late", Company: "I", Email: "io.late@example.com" }]);
    await syncNow(ws);

    const kept = await keptRows(ws.id);
    expect(
      kept.find((r) => r.salesforce_id === doomed && r.action === "deleted"),
      "the delete keeps a row",
    ).toBeTruthy();
    expect(
      kept.find((r) => r.salesforce_id === renamed && r.action === "updated"),
      "the email change keeps a row (found by the old email)",
    ).toBeTruthy();
    expect(await expectEveryRecordFindable(ws)).toBeGreaterThanOrEqual(13);
    await expectCountsMatchRecords(ws.id);
  }, 120_000);
});

// findableWithoutRow on its own: it settles only records whose holder the page inserts with their ref.
describe("findableWithoutRow", () => {
  const write = {
    workspaceId: "ws",
    runId: "run_x",
    salesforceObject: "Lead",
    objectType: "contact" as const,
    at: "2026-12-01T06:00:00.000Z",
  };
  const spec = { kind: "lead" } as never;
  const record = (seq: number, over: Partial<RunRecordInput> = {}): RunRecordInput => ({
    key: `00Q00000000000${seq}AAA`,
    seq,
    salesforceId: `00Q00000000000${seq}AAA`,
    salesforceObject: "Lead",
    conversionId: `ct_${seq}`,
    label: "",
    email: `p${seq}@example.com`,
    action: "created",
    status: "success",
    reasonCode: null,
    externalCreatedAt: null,
    externalUpdatedAt: null,
    changes: [],
    ...over,
  });
  const row = (r: RunRecordInput) => ({
    id: r.conversionId!,
    workspaceId: "ws",
    salesforceId: r.salesforceId,
    email: r.email,
  });

  function setUp(records: RunRecordInput[], opts: { loaded?: number[]; noRef?: number[]; noEmailRef?: number[] } = {}) {
    const contacts = new EntitySet("contacts");
    const { places } = layoutPages(records, "Lead");
    records.forEach((r, i) => {
      if (!r.conversionId) return;
      const current = row(r);
      if (opts.loaded?.includes(r.seq)) contacts.load({ ...current });
      contacts.put(current, opts.loaded?.includes(r.seq) ? contacts.byId.get(current.id)! : null);
      if (!opts.noRef?.includes(r.seq)) contacts.addRef(current.id, refOf(write.at, write.runId, places[i]!, r.seq));
    });
    const sets = {
      contacts,
      companies: new EntitySet("companies"),
      opportunities: new EntitySet("opportunities"),
      roles: new EntitySet("roles"),
      events: new EntitySet("events"),
    };
    return { ctx: { spec, sets }, places };
  }

  it("settles a created or updated record whose new Conversion record holds its ref, under its Salesforce id and email", () => {
    const records = [record(0), record(1, { action: "updated" }), record(2, { email: null })];
    const { ctx, places } = setUp(records);
    expect([...findableWithoutRow(ctx, records, places, write, new Map())]).toEqual([0, 1, 2]);
  });

  it("leaves to SQL: skipped, failed, deleted, an extra, a loaded row, a missing ref, another Salesforce id, another email", () => {
    const records = [
      record(0, { status: "skipped", action: null, conversionId: null, reasonCode: "missing_email" }),
      record(1, { status: "failed", action: null, reasonCode: "malformed_data" }),
      record(2, { action: "deleted" }),
      record(3),
      record(4, { action: "updated" }),
      record(5),
      record(6),
      record(7),
      record(8),
    ];
    const { ctx, places } = setUp(records, { loaded: [4], noRef: [5] });
    // 6: the row the page holds has another Salesforce id (moved); 7: the contact with the record's email is another.
    ctx.sets.contacts.byId.get("ct_6")!.salesforceId = "00Q0000000000OTHER";
    ctx.sets.contacts.byEmail.set("p7@example.com", {
      id: "ct_x",
      workspaceId: "ws",
      salesforceId: null,
      email: "p7@example.com",
    });
    // 8: the record's contact was removed again by a later record of the page.
    ctx.sets.contacts.remove(ctx.sets.contacts.byId.get("ct_8")!);
    const settled = findableWithoutRow(ctx, records, places, write, new Map([[3, { history: null }]]));
    expect([...settled]).toEqual([]);
  });
});
