// Outbound: contacts linked to Salesforce by an inbound sync, then a burst of API writes
// (PATCH /api/v1/contacts/{id}) → outbox → outbound queue → consumer → sObject Collections on the
// fake org. Counts the Salesforce calls and times each change from its API write to its push.
import type { App } from "./app.ts";
import {
  api,
  clearFakeCalls,
  fakeCalls,
  newConnectedWorkspace,
  onlyObjects,
  resetOrg,
  settle,
  type Workspace,
} from "./drive.ts";
import { percentile, sleep } from "./stats.ts";

export interface OutboundResult {
  changes: number;
  concurrency: number;
  /** First API request sent → last API answer received. */
  burstMs: number;
  /** Data API calls the consumer made (collections and queries), by kind. */
  calls: Record<string, number>;
  totalCalls: number;
  recordsWritten: number;
  /** Records carried by each collection call, in order. */
  recordsPerCall: number[];
  consumerInvocations: number;
  /** Per change: outbox row created (the API write's commit) → processed (Salesforce answered, committed). */
  latencyMs: { p50: number; p95: number; max: number };
  /** First API write sent (Node clock) → the last collection call seen by the fake org. */
  lastWriteAfterMs: number;
}

export async function prepareOutbound(app: App, contacts: number): Promise<{ ws: Workspace; ids: string[] }> {
  await resetOrg(app, { Contact: contacts });
  const ws = await newConnectedWorkspace(app, "outbound bench", onlyObjects("Contact"));
  await api(app, "/api/v1/sync/inbound", ws.apiKey, { method: "POST" });
  await settle(app, ws.id);
  const { results } = await app.db
    .prepare(`SELECT id FROM contacts WHERE workspace_id = ? AND salesforce_id IS NOT NULL ORDER BY id LIMIT ?`)
    .bind(ws.id, contacts)
    .all<{ id: string }>();
  if (results.length < contacts)
    throw new Error(`only ${results.length} of ${contacts} contacts are linked to Salesforce`);
  return { ws, ids: results.map((r) => r.id) };
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

/** One burst: every contact's title changes once through the API; waits until every change is pushed. */
export async function outboundBurst(
  app: App,
  ws: Workspace,
  ids: string[],
  round: number,
  concurrency = 8,
): Promise<OutboundResult> {
  await clearFakeCalls(app);
  await fetch(`${app.url}/api/__bench/invocations`, { method: "DELETE" }).then((r) => r.arrayBuffer());
  const since = new Date(Date.now() - 1000).toISOString();
  const t0 = Date.now();
  await pool(ids, concurrency, async (id, i) => {
    await api(app, `/api/v1/contacts/${id}`, ws.apiKey, {
      method: "PATCH",
      body: JSON.stringify({ title: `Benchmark ${round}.${i}` }),
    });
  });
  const burstMs = Date.now() - t0;

  const deadline = Date.now() + 300_000;
  const pending = app.db.prepare(
    `SELECT count(*) AS n FROM outbox WHERE workspace_id = ? AND created_at >= ? AND processed_at IS NULL`,
  );
  for (;;) {
    const row = await pending.bind(ws.id, since).first<{ n: number }>();
    if (row?.n === 0) break;
    if (Date.now() > deadline) throw new Error(`${row?.n} outbound changes still pending after 5 minutes`);
    await sleep(50);
  }
  // Let the consumer finish closing its runs before reading the logs.
  await sleep(300);
  const { results } = await app.db
    .prepare(`SELECT created_at, processed_at FROM outbox WHERE workspace_id = ? AND created_at >= ?`)
    .bind(ws.id, since)
    .all<{ created_at: string; processed_at: string }>();
  const latencies = results.map((r) => Date.parse(r.processed_at) - Date.parse(r.created_at));
  const logged = (await fakeCalls(app)).filter((c) => !c.kind.startsWith("oauth") && c.kind !== "identity");
  // API calls as Salesforce counts them: a Composite request is one, its subrequests (logged with
  // `via`) are not; they are listed by kind beside it ("composite: collections update").
  const calls = logged.filter((c) => !c.via);
  const byKind: Record<string, number> = {};
  for (const c of logged) {
    const k = `${c.via ? `${c.via}: ` : ""}${c.op ? `${c.kind} ${c.op}` : c.kind}`;
    byKind[k] = (byKind[k] ?? 0) + 1;
  }
  const writes = logged.filter((c) => c.kind === "collections");
  const lastWrite = Math.max(...writes.map((c) => Date.parse(c.at)));
  const inv = (await (await fetch(`${app.url}/api/__bench/invocations`)).json()) as { queue: string }[];
  return {
    changes: ids.length,
    concurrency,
    burstMs,
    calls: byKind,
    totalCalls: calls.length,
    recordsWritten: writes.reduce((a, c) => a + (c.records ?? 0), 0),
    recordsPerCall: writes.map((c) => c.records ?? 0),
    consumerInvocations: inv.filter((i) => i.queue === "sync-outbound").length,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies) },
    lastWriteAfterMs: lastWrite - t0,
  };
}
