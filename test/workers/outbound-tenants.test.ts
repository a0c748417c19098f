import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectRunCountsMatchRecords } from "./assert-counts";
import {
  apiJson,
  clearCalls,
  collectionCalls,
  fakeCalls,
  linkedContacts,
  outboundSetup,
  sfRecord,
  until,
  type Ws,
} from "./outbound.fixtures";
import { connectedWorkspace, fake, onlyObjects } from "./sync-helpers";

// Many workspaces writing at once, through the real API (single and bulk writes) and the real outbound
// queue: every change reaches the fake org exactly once, whichever workspace's burst the consumer meets first.

const WORKSPACES = 4;
const UPDATES = 40;
const CREATES = 10;

async function leadCount(): Promise<number> {
  const { records } = await fake<{ records: unknown[] }>("GET", "/__fake/records/Lead");
  return records.length;
}

/** Waits until none of the workspaces has a pending change or an open outbound run. */
async function allPushed(list: Ws[]) {
  await until(
    "every workspace pushed",
    async () => {
      const row = await env.DB.prepare(
        `SELECT (SELECT count(*) FROM outbox WHERE workspace_id IN (SELECT value FROM json_each(?1)) AND processed_at IS NULL)
              + (SELECT count(*) FROM runs WHERE workspace_id IN (SELECT value FROM json_each(?1)) AND status = 'in_progress') AS n`,
      )
        .bind(JSON.stringify(list.map((w) => w.id)))
        .first<{ n: number }>();
      return row!.n === 0;
    },
    180_000,
  );
}

const sumOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Each workspace's collection calls: one per operation of each outbound run that pushed records of it. */
async function callsPerWorkspace(list: Ws[]): Promise<number[]> {
  const { results } = await env.DB.prepare(
    `SELECT workspace_id AS ws, created, updated, deleted FROM runs
     WHERE workspace_id IN (SELECT value FROM json_each(?1)) AND direction = 'outbound'`,
  )
    .bind(JSON.stringify(list.map((w) => w.id)))
    .all<{ ws: string; created: number; updated: number; deleted: number }>();
  const calls = (n: number) => Math.ceil(n / 200);
  return list.map((ws) =>
    sumOf(results.filter((r) => r.ws === ws.id).map((r) => calls(r.created) + calls(r.updated) + calls(r.deleted))),
  );
}

describe("outbound with many workspaces at once", () => {
  it("concurrent bursts of several workspaces reach the fake org exactly once; every run's counts equal its records", async () => {
    const first = await outboundSetup();
    const list = [first];
    for (let w = 1; w < WORKSPACES; w++) list.push(await connectedWorkspace(onlyObjects()));
    const linked = await Promise.all(
      list.map((ws, w) =>
        linkedContacts(
          ws,
          "Lead",
          Array.from({ length: UPDATES }, (_, i) => ({ email: `w${w}.linked${i}@example.com` })),
        ),
      ),
    );
    const leadsBefore = await leadCount();
    await clearCalls();

    // Every workspace at once: half write one change per request (two writers each), half send all
    // their changes as one bulk write. Updates of linked contacts and new contacts alike.
    const created: string[][] = list.map(() => []);
    await Promise.all(
      list.flatMap((ws, w) => {
        if (w % 2)
          return [
            (async () => {
              const { items } = await apiJson(ws, "POST", "/contacts:batch", {
                items: [
                  ...linked[w]!.map((c, i) => ({ id: c.contactId, title: `W${w} ${i}` })),
                  ...Array.from({ length: CREATES }, (_, i) => ({
                    email: `w${w}.new${i}@example.com`,
                    lastName: `New ${i}`,
                  })),
                ],
              });
              created[w]!.push(...items.slice(UPDATES).map((c: { id: string }) => c.id));
            })(),
          ];
        const jobs = [
          ...linked[w]!.map((c, i) => () => apiJson(ws, "PATCH", `/contacts/${c.contactId}`, { title: `W${w} ${i}` })),
          ...Array.from({ length: CREATES }, (_, i) => async () => {
            const c = await apiJson(ws, "POST", "/contacts", {
              email: `w${w}.new${i}@example.com`,
              lastName: `New ${i}`,
            });
            created[w]!.push(c.id);
          }),
        ];
        let next = 0;
        return [0, 1].map(async () => {
          while (next < jobs.length) await jobs[next++]!();
        });
      }),
    );
    await allPushed(list);

    // Exactly once: the calls carried each change one time (each contact changed once), no Lead twice.
    const calls = await collectionCalls();
    // At the floor + 1 at most: each workspace's creates and updates of Lead are one call each at the
    // floor (⌈changes / 200⌉ per operation), however the bursts interleave at the consumer. A call per
    // operation of each run (the engine never mixes operations in one call); their sum is the fake org's log.
    const perWorkspace = await callsPerWorkspace(list);
    expect(sumOf(perWorkspace)).toBe(calls.length);
    for (const n of perWorkspace)
      expect(n).toBeLessThanOrEqual(Math.ceil(UPDATES / 200) + Math.ceil(CREATES / 200) + 1);
    expect(calls.reduce((a, c) => a + (c.records ?? 0), 0)).toBe(WORKSPACES * (UPDATES + CREATES));
    expect(calls.every((c) => c.status === 200)).toBe(true);
    expect(await leadCount()).toBe(leadsBefore + WORKSPACES * CREATES);
    expect((await fakeCalls()).filter((c) => c.kind === "sobject" && c.method !== "GET")).toEqual([]);
    for (const [w, ws] of list.entries()) {
      for (const [i, c] of linked[w]!.entries())
        expect((await sfRecord("Lead", c.salesforceId)).Title).toBe(`W${w} ${i}`);
      const { results } = await env.DB.prepare(
        "SELECT salesforce_id FROM contacts WHERE id IN (SELECT value FROM json_each(?))",
      )
        .bind(JSON.stringify(created[w]))
        .all<{ salesforce_id: string | null }>();
      expect(new Set(results.map((r) => r.salesforce_id)).size).toBe(CREATES);
      expect(results.every((r) => r.salesforce_id !== null)).toBe(true);
      // Each run's counts equal its records, and the workspace's records are its changes, once each.
      await expectRunCountsMatchRecords(ws.id);
      const counts = await env.DB.prepare(
        `SELECT sum(created) AS created, sum(updated) AS updated, sum(skipped + failed) AS other
         FROM runs WHERE workspace_id = ? AND direction = 'outbound'`,
      )
        .bind(ws.id)
        .first<{ created: number; updated: number; other: number }>();
      expect(counts).toEqual({ created: CREATES, updated: UPDATES, other: 0 });
    }
  });
});
