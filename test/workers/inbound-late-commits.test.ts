import { beforeEach, describe, expect, it } from "vitest";
import {
  connectedWorkspace,
  expectCountsMatchRecords,
  fake,
  NONE,
  onlyObjects,
  recordsOf,
  resetFake,
  runsOf,
  syncNow,
} from "./sync-helpers";

async function insert(records: Record<string, unknown>[], lateBySeconds = 0): Promise<string[]> {
  return (await fake<{ ids: string[] }>("POST", "/__fake/records", { object: "Lead", records, lateBySeconds })).ids;
}

const lead = (n: string) => ({ LastName: `Lead ${n}`, Company: "Acme", Email: `${n}@late.example.com` });

describe("late commits", () => {
  beforeEach(async () => {
    await resetFake({ counts: { ...NONE, Lead: 300 } });
  });

  it("a record committed 5 minutes late, behind the watermark, is caught by the next cycle's look-back", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    // Fresh records now: the backfill's watermark is now, read at once.
    await insert([lead("fresh-1"), lead("fresh-2")]);
    await syncNow(ws);
    const [backfill] = await runsOf(ws.id);
    expect(backfill).toMatchObject({ kind: "backfill", status: "completed", created: 302 });

    // A long transaction that started 5 minutes ago commits now: its stamp is behind the watermark.
    const [late] = await insert([lead("late")], 300);
    await syncNow(ws);
    const runs = await runsOf(ws.id);
    expect(runs).toHaveLength(2);
    const incremental = runs[1]!;
    // The look-back re-read the two fresh records too; unchanged, they are neither counted nor reported.
    expect(incremental).toMatchObject({ kind: "incremental", status: "completed", created: 1, updated: 0 });
    expect((await recordsOf(incremental.id)).map((r) => r.salesforce_id)).toEqual([late]);

    // A third cycle re-reads all three again and opens no run at all.
    await syncNow(ws);
    expect(await runsOf(ws.id)).toHaveLength(2);
    await expectCountsMatchRecords(ws.id);
  });

  it("a skipped record the look-back reads again is reported once", async () => {
    const ws = await connectedWorkspace(onlyObjects("Lead"));
    const [noEmail] = await insert([{ LastName: "No email", Company: "Acme" }]);
    await syncNow(ws);
    await insert([lead("late-2")], 200);
    await syncNow(ws);
    const reported = [];
    for (const run of await runsOf(ws.id)) {
      for (const r of await recordsOf(run.id)) if (r.salesforce_id === noEmail) reported.push(r.reason_code);
    }
    expect(reported).toEqual(["missing_email"]);
    await expectCountsMatchRecords(ws.id);
  });
});
