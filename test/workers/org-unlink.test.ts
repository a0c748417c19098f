import { describe, expect, it } from "vitest";
import { dueWorkspaces, planCycle } from "../../worker/sync/inbound/planner";
import { runUnlinkStep } from "../../worker/sync/org";
import { countingD1 } from "./counting-d1";
import { env, firstShard } from "./helpers";

// After another org connects, the old org's links are removed by a queued job in bounded steps: no
// invocation runs a whole-workspace UPDATE, whatever the workspace's size (review 1, finding 1b).

const WS = "ws_unlink";
const PEOPLE = 25_000;

const linked = async () =>
  (await env.DB.prepare("SELECT count(*) AS n FROM contacts WHERE workspace_id = ? AND salesforce_id IS NOT NULL")
    .bind(WS)
    .first<{ n: number }>())!.n;

describe("unlinking after an org switch", () => {
  it("removes the old org's links in bounded invocations, then releases the workspace", async () => {
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO workspaces (id, name, linked_org_id, unlinking_org_id) VALUES (?, 'U', '00Dnew', '00Dold')",
      ).bind(WS),
      env.DB.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${PEOPLE})
         INSERT INTO contacts (id, workspace_id, salesforce_id, salesforce_object, email)
         SELECT 'con_' || i, ?, printf('00Q%015d', i), 'Lead', 'p' || i || '@example.com' FROM n`,
      ).bind(WS),
      env.DB.prepare(
        "INSERT INTO companies (id, workspace_id, salesforce_id, name) VALUES ('com_1', ?, '001000000000001', 'Acme')",
      ).bind(WS),
      // Another workspace's links stay.
      env.DB.prepare(
        "INSERT INTO contacts (id, workspace_id, salesforce_id, salesforce_object, email) VALUES ('con_other', 'ws_unlink_other', '00Qother', 'Lead', 'o@example.com')",
      ),
    ]);
    const sent: unknown[] = [];
    const queue = { send: async (body: unknown) => void sent.push(body) };
    const { db, counter } = countingD1(env.DB);
    const step = () =>
      runUnlinkStep({ ...firstShard, DB: db, INBOUND_QUEUE: queue as never }, { type: "org_unlink", workspaceId: WS });

    await step();
    const first = counter.statements;
    console.log(`unlinking ${PEOPLE} contacts: first invocation ${first} D1 statements`);
    expect(first).toBeLessThanOrEqual(150);
    expect(await linked()).toBe(PEOPLE - 20_000);
    expect(sent).toEqual([{ type: "org_unlink", workspaceId: WS }]);

    await step();
    expect(await linked()).toBe(0);
    const row = await env.DB.prepare(
      "SELECT unlinking_org_id AS u, (SELECT salesforce_id FROM companies WHERE id = 'com_1') AS company, (SELECT salesforce_id FROM contacts WHERE id = 'con_other') AS other FROM workspaces WHERE id = ?",
    )
      .bind(WS)
      .first();
    expect(row).toEqual({ u: null, company: null, other: "00Qother" });
    expect(sent).toHaveLength(1);
  });

  it("while unlinking, the planner queues the job again at most once per interval, and plans nothing else", async () => {
    const ws = "ws_unlink_plan";
    const now = new Date().toISOString();
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO workspaces (id, name, linked_org_id, unlinking_org_id) VALUES (?, 'P', '00Dnew', '00Dold')",
      ).bind(ws),
      env.DB.prepare(
        "INSERT INTO connections (workspace_id, status, instance_url, access_token_enc, connected_at, org_id) VALUES (?, 'connected', 'https://x.example', 'x', ?, '00Dnew')",
      ).bind(ws, now),
      env.DB.prepare(
        "INSERT INTO sync_state (workspace_id, salesforce_object, last_planned_at) VALUES (?, 'Lead', '2026-01-01T00:00:00.000Z')",
      ).bind(ws),
    ]);
    const sent: unknown[] = [];
    const queue = { send: async (body: unknown) => void sent.push(body) };
    expect(await dueWorkspaces(firstShard, Date.now())).toContain(ws);
    const plan = await planCycle({ ...firstShard, INBOUND_QUEUE: queue as never, BACKFILL_QUEUE: queue as never }, ws);
    expect(plan.queued).toEqual([]);
    expect(sent).toEqual([{ type: "org_unlink", workspaceId: ws }]);
    expect(await dueWorkspaces(firstShard, Date.now() + 60_000)).not.toContain(ws);
    const lease = await env.DB.prepare("SELECT lease_owner AS o FROM sync_state WHERE workspace_id = ?")
      .bind(ws)
      .first();
    expect(lease).toEqual({ o: null });
  });
});
