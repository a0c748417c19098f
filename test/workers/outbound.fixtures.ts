import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import worker from "../../worker";
import { createApp } from "../../worker/api";
import { expectRunCountsMatchRecords } from "./assert-counts";
import { call, d1Of, jsonInit } from "./helpers";
import { connectedWorkspace, fake, onlyObjects, resetFake, sfCreate } from "./sync-helpers";

// Shared steps of the outbound tests: a small fake org, records in it, Conversion rows linked to
// them, and waiting for pushes to land (through the real queue) before asserting.

export type Ws = Awaited<ReturnType<typeof connectedWorkspace>>;

/**
 * A fake org with a few records of each object, and a workspace connected to it. Inbound sync is
 * off unless the settings turn objects on, so a cron tick in a test only sweeps the outbox.
 */
export async function outboundSetup(settings: Record<string, unknown> = {}): Promise<Ws> {
  await resetFake({
    counts: { Account: 5, Contact: 5, Lead: 5, Opportunity: 0, OpportunityContactRole: 0, Conversion_Event__c: 0 },
  });
  return connectedWorkspace({ ...onlyObjects(), ...settings });
}

export async function sfRecord(object: string, id: string): Promise<Record<string, any>> {
  const { records } = await fake<{ records: Record<string, any>[] }>("GET", `/__fake/records/${object}?ids=${id}`);
  return records[0]!;
}

export async function setFaults(faults: Record<string, unknown>) {
  await fake("POST", "/__fake/faults", faults);
}

export type FakeCall = {
  method: string;
  path: string;
  kind: string;
  op?: string;
  object?: string;
  records?: number;
  query?: string;
  status: number;
  /** "composite": a subrequest of a Composite call, not an API call of its own. */
  via?: string;
};

export const fakeCalls = () => fake<FakeCall[]>("GET", "/__fake/calls");
export const clearCalls = () => fake("DELETE", "/__fake/calls");
export const collectionCalls = async () => (await fakeCalls()).filter((c) => c.kind === "collections");

/**
 * Conversion contacts linked to existing Salesforce records, as an inbound sync would have left
 * them (written to D1 directly: inbound never touches the outbox, and neither does this).
 */
export async function linkedContacts(
  ws: Ws,
  object: "Lead" | "Contact",
  people: { email: string; lastName?: string; firstName?: string }[],
) {
  const ids = await sfCreate(
    object,
    people.map((p) => ({
      Email: p.email,
      LastName: p.lastName ?? "Linked",
      FirstName: p.firstName ?? null,
      ...(object === "Lead" ? { Company: "Linked Co" } : {}),
    })),
  );
  const d1 = await d1Of(ws.id);
  const stmt = d1.prepare(
    "INSERT INTO contacts (id, workspace_id, email, first_name, last_name, salesforce_id, salesforce_object) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const contactIds = people.map((_, i) => `ct_${ws.id}_${ids[i]}`);
  await d1.batch(
    people.map((p, i) =>
      stmt.bind(contactIds[i], ws.id, p.email, p.firstName ?? null, p.lastName ?? "Linked", ids[i], object),
    ),
  );
  return people.map((_, i) => ({ contactId: contactIds[i]!, salesforceId: ids[i]! }));
}

export async function apiJson<T = any>(ws: Ws, method: string, path: string, body?: unknown): Promise<T> {
  const res = await call(
    `/api/v1${path}`,
    body === undefined ? { method, headers: ws.auth } : jsonInit(method, body, ws.auth),
  );
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return (res.status === 204 ? null : await res.json()) as T;
}

/**
 * The same API, served with a queue whose send fails: each write commits (entity + outbox row)
 * but nothing reaches the consumer until the cron sweep sends it. Also how tests line up several
 * changes so that one consumer batch takes them all.
 */
export async function apiWithoutSend<T = any>(ws: Ws, method: string, path: string, body?: unknown): Promise<T> {
  return apiWithQueue<T>(brokenQueue(), ws, method, path, body);
}

/** An outbound queue whose every send fails, as Queues unavailable would. */
export function brokenQueue() {
  const down = async () => {
    throw new Error("queue unavailable");
  };
  return { send: down, sendBatch: down };
}

/** The API served with `queue` as its outbound queue; the answer's JSON (null for a 204). */
export async function apiWithQueue<T = any>(
  queue: unknown,
  ws: Ws,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const queueEnv = { ...env, OUTBOUND_QUEUE: queue } as unknown as Env;
  const init = body === undefined ? { method, headers: ws.auth } : jsonInit(method, body, ws.auth);
  const ctx = createExecutionContext();
  const res = await createApp().fetch(new Request(`http://localhost/api/v1${path}`, init), queueEnv, ctx);
  await waitOnExecutionContext(ctx);
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return (res.status === 204 ? null : await res.json()) as T;
}

/** One cron tick of the real Worker (reaper, outbox sweep, inbound planning), awaited. */
export async function cronTick(): Promise<void> {
  const ctx = createExecutionContext();
  worker.scheduled(createScheduledController({ scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Waits until the workspace's outbox is drained and `runs` outbound runs have finished; returns
 * them (API shape, oldest first) after checking every run's counts against its records.
 */
export async function pushed(ws: Ws, runs: number, opts: { drained?: boolean; timeoutMs?: number } = {}) {
  const done = await until(
    `${runs} finished outbound runs`,
    async () => {
      const pending = await (await d1Of(ws.id))
        .prepare("SELECT count(*) AS n FROM outbox WHERE workspace_id = ? AND processed_at IS NULL")
        .bind(ws.id)
        .first<{ n: number }>();
      if ((opts.drained ?? true) && pending!.n > 0) return null;
      const list = (await apiJson<{ runs: any[] }>(ws, "GET", "/sync/runs?direction=outbound&limit=200")).runs;
      return list.length >= runs && list.every((r) => r.status !== "in_progress") ? list : null;
    },
    opts.timeoutMs,
  );
  expect(done).toHaveLength(runs);
  await expectRunCountsMatchRecords(ws.id);
  return [...done].reverse();
}

export async function recordsOf(ws: Ws, runId: string): Promise<any[]> {
  return (await apiJson<{ records: any[] }>(ws, "GET", `/sync/runs/${runId}/records?limit=200`)).records;
}
