import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readHistory } from "../../worker/api/runs/history.queries";
import { toApiRecord } from "../../worker/api/runs/view";
import { dbOver } from "../../worker/db";
import { recountRun } from "../../worker/sync/runs";
import { fromRow, readRunRecords } from "../../worker/sync/runs/read";

// Migration 0013 moves closed runs' records into run_pages and most successes' history onto their
// Conversion records. This applies every migration before it to a local D1, writes history the way
// the previous Worker wrote it (one run_records row per record), keeps what the API showed, applies
// 0013, and compares every record as the API shows it: each run's list and status tabs, counts, and
// record history by Salesforce id and by email. Then the previous Worker, still running, writes to
// its open run: the new code reads those rows too.

const DIR = join(import.meta.dirname, "../../migrations");
const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".sql"))
  .sort();
const MIGRATION = files.find((f) => f.includes("run_pages"))!;

function statements(file: string): string[] {
  return readFileSync(join(DIR, file), "utf8")
    .split("--> statement-breakpoint")
    .map((s) => s.trim())
    .filter(Boolean);
}

let mf: Miniflare;
let d1: D1Database;
const WS = "ws_m";
const OTHER = "ws_other";

beforeAll(async () => {
  mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        { name: "m13", modules: true, script: "export default {}", d1Databases: { DB: "migration-run-pages" } },
      ],
    } as never),
  );
  d1 = (await mf.getD1Database("DB", "m13")) as unknown as D1Database;
  for (const f of files) if (f < MIGRATION) for (const s of statements(f)) await d1.prepare(s).run();
});
afterAll(() => mf?.dispose());

type Run = { id: string; ws: string; object: string; type: string; direction: string; status: string };

const RUNS: Run[] = [
  { id: "run_a", ws: WS, object: "Lead", type: "contact", direction: "inbound", status: "completed" },
  { id: "run_b", ws: WS, object: "Lead", type: "contact", direction: "inbound", status: "failed" },
  { id: "run_c", ws: WS, object: "Account", type: "company", direction: "inbound", status: "completed" },
  { id: "run_d", ws: WS, object: "Contact", type: "contact", direction: "outbound", status: "completed" },
  // Still being written by the previous Worker while the migration runs.
  { id: "run_open", ws: WS, object: "Lead", type: "contact", direction: "inbound", status: "in_progress" },
  { id: "run_x", ws: OTHER, object: "Lead", type: "contact", direction: "inbound", status: "completed" },
];

const sfid = (i: number) => `00Q5g${String(i).padStart(10, "0")}AAA`;
const acct = (i: number) => `0015g${String(i).padStart(10, "0")}AAA`;

/** The previous Worker's writes: rows in run_records (no paged, no history columns yet), counts recomputed. */
async function seed() {
  await d1.batch([
    d1.prepare("INSERT INTO workspaces (id, name) VALUES (?, 'M'), (?, 'Other')").bind(WS, OTHER),
    ...RUNS.map((r, i) =>
      d1
        .prepare(
          `INSERT INTO runs (id, workspace_id, direction, object_type, salesforce_object, kind, status, started_at, heartbeat_at)
           VALUES (?, ?, ?, ?, ?, 'incremental', ?, ?, ?)`,
        )
        .bind(
          r.id,
          r.ws,
          r.direction,
          r.type,
          r.object,
          r.status,
          `2026-11-2${i}T10:00:00.000Z`,
          `2026-11-2${i}T10:00:00.000Z`,
        ),
    ),
  ]);
  // 40 contacts, of which 0–29 still hold the Salesforce id and email their records name; 30–34 moved to
  // another Salesforce id; 35–39 changed email since.
  const contacts = Array.from({ length: 40 }, (_, i) =>
    d1
      .prepare(
        "INSERT INTO contacts (id, workspace_id, salesforce_id, salesforce_object, email, last_name) VALUES (?, ?, ?, 'Lead', ?, ?)",
      )
      .bind(
        `ct_${i}`,
        WS,
        i >= 30 && i < 35 ? sfid(900 + i) : sfid(i),
        i >= 35 ? `new${i}@example.com` : `p${i}@example.com`,
        `P${i}`,
      ),
  );
  const companies = Array.from({ length: 5 }, (_, i) =>
    d1
      .prepare("INSERT INTO companies (id, workspace_id, salesforce_id, name) VALUES (?, ?, ?, ?)")
      .bind(`co_${i}`, WS, acct(i), `Co ${i}`),
  );
  for (const [n, row] of [...contacts, ...companies].entries())
    await row.run().catch((e) => {
      throw new Error(`entity ${n}: ${e}`);
    });

  const insert = d1.prepare(
    `INSERT INTO run_records (id, workspace_id, run_id, record_key, seq, salesforce_id, salesforce_object, conversion_id,
       label, email, action, status, reason_code, reason_detail, sf_status_code, sf_message, sf_fields,
       external_created_at, external_updated_at, changes, outbox_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const rows: D1PreparedStatement[] = [];
  let minute = 0;
  const at = () => {
    minute++;
    return new Date(Date.UTC(2026, 10, 20, 12, 0, 0, 0) + minute * 61_123).toISOString();
  };
  /** One run_records row as the previous Worker wrote it; what a record does not say is null (changes: none). */
  const record = (r: {
    run: string;
    key: string;
    seq: number;
    salesforceId: string;
    object: string;
    conversionId: string | null;
    label: string;
    email: string | null;
    action: string | null;
    workspace?: string;
    status?: string;
    reasonCode?: string | null;
    reasonDetail?: string | null;
    sfStatusCode?: string | null;
    sfMessage?: string | null;
    sfFields?: string | null;
    externalCreatedAt?: string;
    externalUpdatedAt?: string;
    changes?: string;
    outboxId?: string;
  }) =>
    rows.push(
      insert.bind(
        `${r.run}:${r.key}`,
        r.workspace ?? WS,
        r.run,
        r.key,
        r.seq,
        r.salesforceId,
        r.object,
        r.conversionId,
        r.label,
        r.email,
        r.action,
        r.status ?? "success",
        r.reasonCode ?? null,
        r.reasonDetail ?? null,
        r.sfStatusCode ?? null,
        r.sfMessage ?? null,
        r.sfFields ?? null,
        r.externalCreatedAt ?? null,
        r.externalUpdatedAt ?? null,
        r.changes ?? "[]",
        r.outboxId ?? null,
        at(),
      ),
    );
  // run_a: 600 Lead records (two pages), every contact updated several times, skips and failures among them.
  for (let s = 0; s < 600; s++) {
    const i = s % 40;
    const status = s % 17 === 3 ? "skipped" : s % 29 === 5 ? "failed" : "success";
    record({
      run: "run_a",
      key: `${sfid(i)}#${s}`,
      seq: s,
      salesforceId: sfid(i),
      object: "Lead",
      conversionId: status === "success" ? `ct_${i}` : null,
      label: `Lead ${i}, "quoted"`,
      email: status === "skipped" && s % 2 ? null : `p${i}@example.com`,
      action: status === "success" ? (s < 40 ? "created" : "updated") : null,
      status,
      reasonCode: status === "skipped" ? "missing_email" : status === "failed" ? "invalid_timestamp" : null,
      reasonDetail: status === "failed" ? `detail ${s}` : null,
      externalCreatedAt: "2026-01-05T09:00:00.000Z",
      externalUpdatedAt: "2026-11-19T09:00:00.000Z",
      changes:
        status === "success"
          ? JSON.stringify([
              { field: "title", from: null, to: `T${s}` },
              { field: "phone", from: "1", to: "2" },
            ])
          : "[]",
    });
  }
  // run_b: a failed run with a few records, two sharing a seq, one deleted.
  for (const [s, i, action] of [
    [0, 3, "updated"],
    [1, 4, "deleted"],
    [1, 5, "updated"],
    [2, 6, "updated"],
  ] as const)
    record({
      run: "run_b",
      key: sfid(i),
      seq: s,
      salesforceId: sfid(i),
      object: "Lead",
      conversionId: `ct_${i}`,
      label: `Lead ${i}`,
      email: `p${i}@example.com`,
      action,
    });
  // run_c: Accounts (companies), one damaged changes value.
  for (let s = 0; s < 5; s++)
    record({
      run: "run_c",
      key: acct(s),
      seq: s,
      salesforceId: acct(s),
      object: "Account",
      conversionId: `co_${s}`,
      label: `Co ${s}`,
      email: null,
      action: "updated",
      changes: s === 2 ? "not json" : '[{"field":"name","from":"a","to":"b"}]',
    });
  // run_d: outbound pushes, with Salesforce's errors.
  for (let s = 0; s < 6; s++) {
    const failed = s % 3 === 1;
    record({
      run: "run_d",
      key: `obx_${s}`,
      seq: s,
      salesforceId: sfid(s),
      object: "Contact",
      conversionId: `ct_${s}`,
      label: `P${s}`,
      email: `p${s}@example.com`,
      action: failed ? null : "updated",
      status: failed ? "failed" : "success",
      reasonCode: failed ? "validation_rule_failure" : null,
      sfStatusCode: failed ? "FIELD_CUSTOM_VALIDATION_EXCEPTION" : null,
      sfMessage: failed ? "Phone must have 10 digits" : null,
      sfFields: failed ? '["Phone"]' : null,
      outboxId: `obx_${s}`,
    });
  }
  // run_open and the other workspace.
  for (let s = 0; s < 30; s++)
    record({
      run: "run_open",
      key: sfid(s),
      seq: s,
      salesforceId: sfid(s),
      object: "Lead",
      conversionId: `ct_${s}`,
      label: `Lead ${s}`,
      email: `p${s}@example.com`,
      action: "updated",
    });
  for (let s = 0; s < 10; s++)
    record({
      run: "run_x",
      workspace: OTHER,
      key: sfid(s),
      seq: s,
      salesforceId: sfid(s),
      object: "Lead",
      conversionId: `ct_x${s}`,
      label: `X ${s}`,
      email: `p${s}@example.com`,
      action: "created",
    });
  for (const [n, row] of rows.entries())
    await row.run().catch((e) => {
      throw new Error(`row ${n}: ${e}`);
    });
  // Retention's gaps in rowids, and the counts as the previous Worker stored them.
  await d1.prepare("DELETE FROM run_records WHERE run_id = 'run_a' AND rowid % 97 = 0").run();
  await d1
    .prepare(`UPDATE runs SET (created, updated, deleted, skipped, failed) = (SELECT
      coalesce(sum(status = 'success' AND action = 'created'), 0), coalesce(sum(status = 'success' AND action = 'updated'), 0),
      coalesce(sum(status = 'success' AND action = 'deleted'), 0), coalesce(sum(status = 'skipped'), 0),
      coalesce(sum(status = 'failed'), 0) FROM run_records WHERE run_id = runs.id)`)
    .run();
}

type Shown = ReturnType<typeof toApiRecord>;
const STATUSES = [undefined, "success", "skipped", "failed"] as const;

/** What the previous version's API showed: rows in (seq, rowid) order per run and tab; history newest first. */
async function shownBefore() {
  const lists = new Map<string, Shown[]>();
  for (const run of RUNS)
    for (const status of STATUSES) {
      const { results } = await d1
        .prepare(
          `SELECT rowid, * FROM run_records WHERE run_id = ? ${status ? "AND status = ?" : ""} ORDER BY seq, rowid`,
        )
        .bind(...(status ? [run.id, status] : [run.id]))
        .all<Record<string, unknown>>();
      lists.set(
        `${run.id}/${status}`,
        results.map((r) => toApiRecord(fromRow(camel(r) as never), run.direction as never)),
      );
    }
  const history = new Map<string, string[]>();
  for (const [column, values] of [
    ["salesforce_id", [...Array.from({ length: 40 }, (_, i) => sfid(i)), sfid(930), acct(2)]],
    ["email", Array.from({ length: 40 }, (_, i) => `p${i}@example.com`)],
  ] as const)
    for (const value of values) {
      const { results } = await d1
        .prepare(
          `SELECT rowid, * FROM run_records WHERE workspace_id = ? AND ${column} = ? ORDER BY created_at DESC, rowid DESC`,
        )
        .bind(WS, value)
        .all<Record<string, unknown>>();
      history.set(
        `${column}/${value}`,
        results.map((r) => `${r.run_id}:${r.record_key}@${r.created_at}`),
      );
    }
  const counts = await d1
    .prepare("SELECT id, created, updated, deleted, skipped, failed FROM runs ORDER BY id")
    .all<Record<string, unknown>>();
  return { lists, history, counts: counts.results };
}

function camel(row: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), v]),
  );
}

/** Every record of a run's tab through the API's reader, paged by `limit` through its cursor. */
async function readAll(run: Run, status: (typeof STATUSES)[number], limit: number) {
  const db = dbOver(d1);
  const out: Shown[] = [];
  let cursor: readonly [number, number] | null = null;
  for (;;) {
    const page = await readRunRecords(db, run.ws, { id: run.id, salesforceObject: run.object }, status, cursor, limit);
    out.push(...page.map((r) => toApiRecord(r, run.direction as never)));
    if (page.length < limit) return out;
    cursor = [page.at(-1)!.seq, page.at(-1)!.tie];
  }
}

async function historyAll(by: { salesforceId: string } | { email: string }) {
  const db = dbOver(d1);
  const out: string[] = [];
  let cursor: readonly [string, string] | null = null;
  for (;;) {
    const page = await readHistory(db, WS, by, cursor, 7);
    out.push(...page.map((e) => `${e.record.id}@${e.at}`));
    if (page.length < 7) return out;
    cursor = [page.at(-1)!.at, page.at(-1)!.tie];
  }
}

describe(`migration ${MIGRATION}`, () => {
  it("shows every record, tab, count and record history as before, and reads the previous Worker's later rows", async () => {
    await seed();
    const before = await shownBefore();
    expect(before.lists.get("run_a/undefined")!.length).toBeGreaterThan(500);

    for (const s of statements(MIGRATION)) await d1.prepare(s).run();

    // Storage moved: closed runs are in pages, most successes no longer have a row; the open run kept its rows.
    const pages = await d1.prepare("SELECT run_id, count(*) AS n FROM run_pages GROUP BY run_id ORDER BY run_id").all();
    expect(pages.results).toEqual([
      { run_id: "run_a", n: 2 },
      { run_id: "run_b", n: 1 },
      { run_id: "run_c", n: 1 },
      { run_id: "run_d", n: 1 },
      { run_id: "run_x", n: 1 },
    ]);
    const left = await d1
      .prepare("SELECT run_id, paged, count(*) AS n FROM run_records GROUP BY run_id, paged ORDER BY run_id, paged")
      .all<{ run_id: string; paged: number; n: number }>();
    expect(left.results.find((r) => r.run_id === "run_open")).toEqual({ run_id: "run_open", paged: 0, n: 30 });
    const runA = left.results.find((r) => r.run_id === "run_a")!;
    expect(runA.n).toBeLessThan(before.lists.get("run_a/undefined")!.length / 2);

    // Every record as the API shows it, every tab, through cursors of several sizes.
    for (const run of RUNS)
      for (const status of STATUSES)
        for (const limit of [1_000, 37])
          expect({ run: run.id, status, limit, records: await readAll(run, status, limit) }).toEqual({
            run: run.id,
            status,
            limit,
            records: before.lists.get(`${run.id}/${status}`),
          });

    // Record history, newest first, by Salesforce id and by email.
    for (const [key, expected] of before.history) {
      const [column, value] = key.split("/") as [string, string];
      const by = column === "email" ? { email: value } : { salesforceId: value };
      expect({ key, history: await historyAll(by) }).toEqual({ key, history: expected });
    }

    // Counts recomputed from the new storage equal the counts stored before.
    const db = dbOver(d1);
    for (const run of RUNS) await recountRun(db, { id: run.id, workspaceId: run.ws });
    const counts = await d1
      .prepare("SELECT id, created, updated, deleted, skipped, failed FROM runs ORDER BY id")
      .all<Record<string, unknown>>();
    expect(counts.results).toEqual(before.counts);

    // The previous Worker keeps writing its open run (its INSERT names no new column): read and counted.
    await d1
      .prepare(
        `INSERT INTO run_records (id, workspace_id, run_id, record_key, seq, salesforce_id, salesforce_object, conversion_id,
           label, email, action, status, changes, created_at)
         VALUES ('run_open:late', ?, 'run_open', 'late', 30, ?, 'Lead', 'ct_1', 'Late', 'p1@example.com', 'updated', 'success', '[]', ?)`,
      )
      .bind(WS, sfid(1), "2026-11-30T00:00:00.000Z")
      .run();
    const open = RUNS.find((r) => r.id === "run_open")!;
    expect((await readAll(open, undefined, 1_000)).map((r) => r.label)).toEqual([
      ...before.lists.get("run_open/undefined")!.map((r) => r.label),
      "Late",
    ]);
    await recountRun(db, { id: "run_open", workspaceId: WS });
    expect(await d1.prepare("SELECT updated FROM runs WHERE id = 'run_open'").first()).toEqual({ updated: 31 });
    expect((await historyAll({ salesforceId: sfid(1) }))[0]).toBe("run_open:late@2026-11-30T00:00:00.000Z");
  });
});
