// Many workspaces at once, each connected to the fake org through the real OAuth flow, in one app:
// 20 workspaces bursting outbound changes through the API at the same time (and the same changes as
// bulk writes), then 20 backfills started together while a small workspace's incremental change
// has to get through. Run for the revision before this work and for the committed engine, side by
// side, each variant in fresh apps.
import { type App, startApp } from "./app.ts";
import {
  api,
  clearFakeCalls,
  fake,
  fakeCalls,
  newConnectedWorkspace,
  onlyObjects,
  resetOrg,
  type Workspace,
} from "./drive.ts";
import { percentile, sleep, sum } from "./stats.ts";

/**
 * The revision the side-by-side figures compare against: main just before the changes of issue 18
 * (outbound re-scheduling instead of waiting, the API write path, separate backfill queue).
 */
export const MULTI_BASELINE_REV = "6fdfb2a";

export interface MultiConfig {
  workspaces: number;
  changesPerWorkspace: number;
  /** API requests each workspace has in flight at once. */
  writersPerWorkspace: number;
  backfillPerWorkspace: number;
}

export interface MultiOutbound {
  workspaces: number;
  changesPerWorkspace: number;
  writersPerWorkspace: number;
  /** First request sent → last answer received. */
  apiMs: number;
  writesPerSec: number;
  answerMs: { p50: number; p95: number };
  /** Per change: outbox created_at (the API write's commit) → processed_at (Salesforce answered, committed). */
  latencyMs: { p50: number; p95: number; max: number };
  /** First request sent → every change pushed. */
  drainedMs: number;
  collectionCalls: number;
  /** Per workspace: its collection calls (⌈records / 200⌉ per run; the sum is checked against the fake's log). */
  callsPerWorkspace: number[];
  floorPerWorkspace: number;
  recordsWritten: number;
}

export interface MultiBackfill {
  workspaces: number;
  perWorkspace: number;
  wallMs: number;
  recordsPerSec: number;
  /** The small workspace: Account changed in Salesforce, its cycle planned (as the cron does) → the change in Conversion. */
  small: {
    latencyMs: number;
    backfillsRunningAtChange: number;
    backfillsRunningAtArrival: number;
    intervalMinutes: number;
  };
}

export interface MultiRow {
  label: string;
  outbound: MultiOutbound;
  /** The same changes as bulk writes (`POST /api/v1/contacts:batch`); null where the revision has no such route. */
  bulk: MultiOutbound | null;
  backfill: MultiBackfill;
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

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 600_000, pollMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A probe is a read through Miniflare's proxy, whose kept-alive socket is sometimes reset under load
    // (ECONNRESET): that read is asked again at the next poll rather than ending the whole benchmark.
    const done = await probe().catch((err: unknown) => {
      if (Date.now() > deadline) throw err;
      return false;
    });
    if (done) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(pollMs);
  }
}

const idsJson = (list: Workspace[]) => JSON.stringify(list.map((w) => w.id));

/**
 * An API write, sent again when the connection was reset under it (Miniflare's server sometimes
 * closes a kept-alive socket as the client reuses it, before the request is read). The writes here
 * set a value, so a second send of one that did arrive changes nothing and queues nothing.
 */
async function write(app: App, path: string, ws: Workspace, body: unknown, tries = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await api(app, path, ws.apiKey, {
        method: path.endsWith(":batch") ? "POST" : "PATCH",
        body: JSON.stringify(body),
      });
      return;
    } catch (err) {
      if (attempt >= tries || !/ECONNRESET|other side closed|socket/i.test((err as Error).message)) throw err;
    }
  }
}

/** Workspaces still busy: a lease held or a run in progress. */
async function busyWorkspaces(app: App, list: Workspace[], direction: string): Promise<number> {
  const row = await app.db
    .prepare(
      `SELECT count(DISTINCT w.value) AS n FROM json_each(?1) w
       WHERE EXISTS (SELECT 1 FROM runs r WHERE r.workspace_id = w.value AND r.status = 'in_progress' AND r.direction = ?2)
          OR (?2 = 'inbound' AND EXISTS (SELECT 1 FROM sync_state s WHERE s.workspace_id = w.value AND s.lease_owner IS NOT NULL))`,
    )
    .bind(idsJson(list), direction)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * Workspaces whose inbound work has begun: a lease held, or a run of theirs exists (any status). Unlike
 * busyWorkspaces this only grows: on a revision whose backfills take turns, an early one may be done
 * before the last is planned, so "all busy at once" may never hold.
 */
async function startedWorkspaces(app: App, list: Workspace[]): Promise<number> {
  const row = await app.db
    .prepare(
      `SELECT count(DISTINCT w.value) AS n FROM json_each(?1) w
       WHERE EXISTS (SELECT 1 FROM runs r WHERE r.workspace_id = w.value AND r.direction = 'inbound')
          OR EXISTS (SELECT 1 FROM sync_state s WHERE s.workspace_id = w.value AND s.lease_owner IS NOT NULL)`,
    )
    .bind(idsJson(list))
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function outboundDrained(app: App, list: Workspace[]): Promise<boolean> {
  const row = await app.db
    .prepare(
      `SELECT (SELECT count(*) FROM outbox WHERE workspace_id IN (SELECT value FROM json_each(?1)) AND processed_at IS NULL)
            + (SELECT count(*) FROM runs WHERE workspace_id IN (SELECT value FROM json_each(?1)) AND status = 'in_progress') AS n`,
    )
    .bind(idsJson(list))
    .first<{ n: number }>();
  return row?.n === 0;
}

/** 20 workspaces, each with the fake org's contacts synced in (linked), ready to change them. */
async function prepareTenants(app: App, cfg: MultiConfig) {
  await resetOrg(app, { Contact: cfg.changesPerWorkspace });
  const list: Workspace[] = [];
  for (let w = 0; w < cfg.workspaces; w++)
    list.push(await newConnectedWorkspace(app, `tenant ${w}`, onlyObjects("Contact")));
  await Promise.all(list.map((ws) => api(app, "/api/v1/sync/inbound", ws.apiKey, { method: "POST" })));
  await until("the tenants' contacts synced in", async () => (await busyWorkspaces(app, list, "inbound")) === 0);
  const ids: string[][] = [];
  for (const ws of list) {
    const { results } = await app.db
      .prepare("SELECT id FROM contacts WHERE workspace_id = ? AND salesforce_id IS NOT NULL ORDER BY id LIMIT ?")
      .bind(ws.id, cfg.changesPerWorkspace)
      .all<{ id: string }>();
    if (results.length < cfg.changesPerWorkspace) throw new Error(`${ws.id}: only ${results.length} linked contacts`);
    ids.push(results.map((r) => r.id));
  }
  return { list, ids };
}

/** One burst from every workspace at once; `send` writes one workspace's changes. */
async function burst(
  app: App,
  list: Workspace[],
  cfg: MultiConfig,
  send: (ws: Workspace, w: number, answers: number[]) => Promise<void>,
): Promise<MultiOutbound> {
  await clearFakeCalls(app);
  const since = new Date(Date.now() - 1000).toISOString();
  const answers: number[] = [];
  const t0 = Date.now();
  await Promise.all(list.map((ws, w) => send(ws, w, answers)));
  const apiMs = Date.now() - t0;
  await until("every workspace's changes pushed", () => outboundDrained(app, list));
  const drainedMs = Date.now() - t0;
  const { results } = await app.db
    .prepare(
      `SELECT created_at, processed_at FROM outbox WHERE workspace_id IN (SELECT value FROM json_each(?1)) AND created_at >= ?2`,
    )
    .bind(idsJson(list), since)
    .all<{ created_at: string; processed_at: string }>();
  const latencies = results.map((r) => Date.parse(r.processed_at) - Date.parse(r.created_at));
  // The runs that carried this burst's changes (not runs started since: the burst before's last push can
  // start within the margin above), and how many of them each carried.
  const perRun = await app.db
    .prepare(
      `SELECT workspace_id AS ws, run_id AS run, count(*) AS n FROM outbox
       WHERE workspace_id IN (SELECT value FROM json_each(?1)) AND created_at >= ?2 GROUP BY workspace_id, run_id`,
    )
    .bind(idsJson(list), since)
    .all<{ ws: string; run: string | null; n: number }>();
  const callsPerWorkspace = list.map((ws) =>
    sum(perRun.results.filter((r) => r.ws === ws.id).map((r) => Math.ceil(r.n / 200))),
  );
  // A write is a collection call, or (the committed engine) a Composite call carrying one with a
  // query of the written records' times: one API call either way; its subrequests are not calls.
  const calls = await fakeCalls(app);
  const writes = calls.filter((c) => (c.kind === "collections" && c.via === undefined) || c.kind === "composite");
  // Said, not fatal: a run may settle changes without a call of their own (the figure above is per run).
  if (writes.length !== sum(callsPerWorkspace))
    console.warn(
      `the fake org logged ${writes.length} write calls, the runs account for ${sum(callsPerWorkspace)}:`,
      JSON.stringify(perRun.results.filter((r) => r.n > 0)),
    );
  const changes = list.length * cfg.changesPerWorkspace;
  return {
    workspaces: list.length,
    changesPerWorkspace: cfg.changesPerWorkspace,
    writersPerWorkspace: cfg.writersPerWorkspace,
    apiMs,
    writesPerSec: (changes / apiMs) * 1000,
    answerMs: { p50: percentile(answers, 50), p95: percentile(answers, 95) },
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies) },
    drainedMs,
    collectionCalls: writes.length,
    callsPerWorkspace,
    floorPerWorkspace: Math.ceil(cfg.changesPerWorkspace / 200),
    recordsWritten: sum(calls.filter((c) => c.kind === "collections").map((c) => c.records ?? 0)),
  };
}

/** 20 workspaces × 100 `PATCH /api/v1/contacts/{id}` at once, then the same as one bulk write each. */
export async function multiOutbound(app: App, cfg: MultiConfig, round: number) {
  const { list, ids } = await prepareTenants(app, cfg);
  const single = await burst(app, list, cfg, (ws, w, answers) =>
    pool(ids[w]!, cfg.writersPerWorkspace, async (id, i) => {
      const t = Date.now();
      await write(app, `/api/v1/contacts/${id}`, ws, { title: `Tenant ${w} ${round}.${i}` });
      answers.push(Date.now() - t);
    }),
  );
  const probe = await fetch(`${app.url}/api/v1/contacts:batch`, {
    method: "POST",
    headers: { authorization: `Bearer ${list[0]!.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ items: [] }),
  });
  await probe.arrayBuffer();
  const bulk =
    probe.status === 404
      ? null
      : await burst(app, list, cfg, async (ws, w, answers) => {
          const t = Date.now();
          await write(app, "/api/v1/contacts:batch", ws, {
            items: ids[w]!.map((id, i) => ({ id, title: `Bulk ${w} ${round}.${i}` })),
          });
          answers.push(Date.now() - t);
        });
  return { single, bulk };
}

/** 20 backfills started together; meanwhile a small workspace's Account changes in Salesforce and its cycle runs. */
export async function multiBackfill(app: App, cfg: MultiConfig): Promise<MultiBackfill> {
  await resetOrg(app, { Lead: cfg.backfillPerWorkspace, Account: 5 });
  const small = await newConnectedWorkspace(app, "small tenant", onlyObjects("Account"));
  await api(app, "/api/v1/sync/inbound", small.apiKey, { method: "POST" });
  await until("the small workspace's backfill", async () => (await busyWorkspaces(app, [small], "inbound")) === 0);
  const big: Workspace[] = [];
  for (let w = 0; w < cfg.workspaces; w++)
    big.push(await newConnectedWorkspace(app, `backfill ${w}`, onlyObjects("Lead")));
  const { records } = await fake<{ records: { Id: string }[] }>(app, "GET", "/__fake/records/Account");
  const account = records[0]!.Id;
  const name = `Changed during the backfills ${Date.now()}`;

  const t0 = Date.now();
  await Promise.all(big.map((ws) => api(app, "/api/v1/sync/inbound", ws.apiKey, { method: "POST" })));
  // Every backfill is planned (its lease held, its first batch queued): the small workspace's change
  // happens now, and its cycle is planned at once (the cron plans it at its interval; the wait for
  // that is the interval itself).
  await until("the backfills planned", async () => (await startedWorkspaces(app, big)) === big.length);
  await fake(app, "PATCH", "/__fake/records", { object: "Account", records: [{ Id: account, Name: name }] });
  const changedAt = Date.now();
  const runningAtChange = await busyWorkspaces(app, big, "inbound");
  await api(app, "/api/v1/sync/inbound", small.apiKey, { method: "POST" });
  await until(
    "the small workspace's change",
    async () => {
      const row = await app.db
        .prepare("SELECT count(*) AS n FROM companies WHERE workspace_id = ? AND name = ?")
        .bind(small.id, name)
        .first<{ n: number }>();
      return (row?.n ?? 0) > 0;
    },
    600_000,
    20,
  );
  const arrivedAt = Date.now();
  const runningAtArrival = await busyWorkspaces(app, big, "inbound");
  await until("every backfill", async () => (await busyWorkspaces(app, big, "inbound")) === 0, 1_800_000, 100);
  const wallMs = Date.now() - t0;
  const created = await app.db
    .prepare(
      `SELECT coalesce(sum(created), 0) AS n FROM runs WHERE workspace_id IN (SELECT value FROM json_each(?1)) AND direction = 'inbound'`,
    )
    .bind(idsJson(big))
    .first<{ n: number }>();
  const total = cfg.workspaces * cfg.backfillPerWorkspace;
  if (created?.n !== total) throw new Error(`the backfills created ${created?.n} of ${total}`);
  return {
    workspaces: cfg.workspaces,
    perWorkspace: cfg.backfillPerWorkspace,
    wallMs,
    recordsPerSec: (total / wallMs) * 1000,
    small: {
      latencyMs: arrivedAt - changedAt,
      backfillsRunningAtChange: runningAtChange,
      backfillsRunningAtArrival: runningAtArrival,
      intervalMinutes: 5,
    },
  };
}

/** One variant (a revision, or the committed engine) through all three, each in a fresh app. */
export async function multiTenant(cfg: MultiConfig, variant: { label: string; rev?: string }, round: number) {
  const app = await startApp({ rev: variant.rev });
  let outbound: Awaited<ReturnType<typeof multiOutbound>>;
  try {
    outbound = await multiOutbound(app, cfg, round);
  } finally {
    await app.stop();
  }
  const app2 = await startApp({ rev: variant.rev });
  try {
    const backfill = await multiBackfill(app2, cfg);
    return { label: variant.label, outbound: outbound.single, bulk: outbound.bulk, backfill } satisfies MultiRow;
  } finally {
    await app2.stop();
  }
}
