import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectWorkspace } from "./connect";
import { call } from "./helpers";
import {
  connectedWorkspace,
  fake,
  fakeUrl,
  NONE,
  onlyObjects,
  resetFake,
  runsOf,
  syncNow,
  unlinked,
} from "./sync-helpers";

// Connecting another org starts over (watermarks, backfills, links to the old org's ids); the same
// org reconnecting keeps everything.

type Row = Record<string, any>;

async function rows(sql: string, ...binds: unknown[]): Promise<Row[]> {
  return (
    await env.DB.prepare(sql)
      .bind(...binds)
      .all<Row>()
  ).results;
}

const state = (workspaceId: string) =>
  rows(
    "SELECT salesforce_object, watermark_stamp, backfill_done, reset_reason FROM sync_state WHERE workspace_id = ? ORDER BY salesforce_object",
    workspaceId,
  );

describe("connecting another org", () => {
  it("keeps watermarks and links when the same org reconnects", async () => {
    await resetFake({ counts: { ...NONE, Lead: 50, Account: 10 } });
    const ws = await connectedWorkspace(onlyObjects("Account", "Lead"));
    await syncNow(ws);
    const before = await state(ws.id);
    const linked = await rows("SELECT id, salesforce_id FROM contacts WHERE workspace_id = ? ORDER BY id", ws.id);
    await connectWorkspace(ws, fakeUrl());
    expect(await state(ws.id)).toEqual(before);
    expect(await rows("SELECT id, salesforce_id FROM contacts WHERE workspace_id = ? ORDER BY id", ws.id)).toEqual(
      linked,
    );
  }, 120_000);

  it("resets every object's watermark and backfill, unlinks the old org's ids, and the new org's backfill says why", async () => {
    await resetFake({ counts: { ...NONE, Lead: 50, Account: 10 }, seed: 7 });
    const ws = await connectedWorkspace(onlyObjects("Account", "Lead"));
    await syncNow(ws);
    const oldOrg = (await fake<{ orgId: string }>("GET", "/__fake/stats")).orgId;
    expect((await state(ws.id)).every((s) => s.backfill_done === 1 && s.watermark_stamp)).toBe(true);
    const contactsBefore = await rows("SELECT id, email FROM contacts WHERE workspace_id = ?", ws.id);

    // Another org (a different seed is a different organization id) with one person in common.
    await resetFake({ counts: { ...NONE, Lead: 20, Account: 5 }, seed: 8 });
    const newOrg = (await fake<{ orgId: string }>("GET", "/__fake/stats")).orgId;
    expect(newOrg).not.toBe(oldOrg);
    const shared = contactsBefore[0]!.email as string;
    const [sharedLead] = (
      await fake<{ ids: string[] }>("POST", "/__fake/records", {
        object: "Lead",
        records: [{ LastName: "Shared", Company: "Both", Email: shared }],
      })
    ).ids;
    await connectWorkspace(ws, fakeUrl());
    // The reset is stored with the connection; the old org's ids are unlinked by a queued job.
    await unlinked(ws.id);

    expect(await state(ws.id)).toEqual([
      { salesforce_object: "Account", watermark_stamp: null, backfill_done: 0, reset_reason: "org_changed" },
      { salesforce_object: "Lead", watermark_stamp: null, backfill_done: 0, reset_reason: "org_changed" },
    ]);
    const linkedToOld = await rows(
      "SELECT (SELECT count(*) FROM contacts WHERE workspace_id = ?1 AND salesforce_id IS NOT NULL) + (SELECT count(*) FROM companies WHERE workspace_id = ?1 AND salesforce_id IS NOT NULL) AS n",
      ws.id,
    );
    expect(linkedToOld[0]!.n).toBe(0);
    // Conversion keeps its records.
    expect(await rows("SELECT count(*) AS n FROM contacts WHERE workspace_id = ?", ws.id)).toEqual([
      { n: contactsBefore.length },
    ]);

    await syncNow(ws);
    const runs = await runsOf(ws.id);
    const fresh = runs.slice(-2);
    expect(fresh.map((r) => [r.salesforce_object, r.kind])).toEqual([
      ["Account", "backfill"],
      ["Lead", "backfill"],
    ]);
    const api = (await (await call(`/api/v1/sync/runs/${fresh[1]!.id}`, { headers: ws.auth })).json()) as {
      description: string;
    };
    expect(api.description).toBe(
      "Synced contacts from Salesforce (initial backfill: a different Salesforce org was connected)",
    );
    const [again] = await rows(
      "SELECT salesforce_id FROM contacts WHERE workspace_id = ? AND email = ?",
      ws.id,
      shared,
    );
    expect(again!.salesforce_id).toBe(sharedLead);
    expect((await state(ws.id)).every((s) => s.backfill_done === 1 && s.reset_reason === null)).toBe(true);
  }, 180_000);
});
