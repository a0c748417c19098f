import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Migrations that rebuild a table must carry the rows already there. The workers tests start from
// an empty database, so this applies the files one by one to a local D1 holding data in between.

const DIR = join(import.meta.dirname, "../../migrations");
const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".sql"))
  .sort();

function statements(file: string): string[] {
  return readFileSync(join(DIR, file), "utf8")
    .split("--> statement-breakpoint")
    .map((s) => s.trim())
    .filter(Boolean);
}

// The partial list index's condition, as migration 0014 writes it (worker/db/schema/time-ordered.ts).
const OLD_ROW = `NOT (length("id") = 25 AND substr("id", 1, 4) = 'ct__')`;

let mf: Miniflare;
let db: D1Database;

async function applyUpTo(prefix: string, from = 0) {
  for (const f of files.slice(from)) {
    if (f > prefix) break;
    for (const s of statements(f)) await db.prepare(s).run();
  }
}

beforeAll(async () => {
  mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        { name: "migrations", modules: true, script: "export default {}", d1Databases: { DB: "migrations-test" } },
      ],
    } as never),
  );
  db = (await mf.getD1Database("DB", "migrations")) as unknown as D1Database;
});
afterAll(() => mf?.dispose());

describe("migrations", () => {
  it("0004 keeps every run record with its rowid, drops the id's index and keeps only unsuccessful records in the status index", async () => {
    await applyUpTo("0003_~");
    const insert = db.prepare(
      `INSERT INTO run_records (id, workspace_id, run_id, record_key, seq, salesforce_object, status, reason_code, created_at)
       VALUES (?, 'ws_1', ?, ?, ?, 'Lead', ?, ?, ?)`,
    );
    const rows = Array.from({ length: 30 }, (_, i) => {
      const run = `run_${i % 3}`;
      const key = `00Q${String(29 - i).padStart(15, "0")}`;
      return insert.bind(
        `${run}:${key}`,
        run,
        key,
        i,
        i % 4 ? "success" : "skipped",
        i % 4 ? null : "missing_email",
        `2026-11-2${i % 9}T10:00:00.000Z`,
      );
    });
    await db.batch(rows);
    // Gaps in the rowids, as retention leaves them: API cursors carry rowids, so they must survive.
    await db.prepare("DELETE FROM run_records WHERE rowid % 7 = 0").run();
    const before = await db.prepare("SELECT rowid, * FROM run_records ORDER BY rowid").all<Record<string, unknown>>();

    await applyUpTo(
      "0004_~",
      files.findIndex((f) => f.startsWith("0004")),
    );
    const after = await db.prepare("SELECT rowid, * FROM run_records ORDER BY rowid").all<Record<string, unknown>>();
    expect(after.results).toEqual(before.results);

    const indexes = await db
      .prepare("SELECT name, \"partial\" FROM pragma_index_list('run_records') ORDER BY name")
      .all<{ name: string; partial: number }>();
    // No index for the id any more (one D1 row written less per record); the status index is partial.
    expect(indexes.results.map((r) => [r.name, r.partial])).toEqual([
      ["run_records_run_key", 0],
      ["run_records_run_seq", 0],
      ["run_records_run_status_seq", 1],
      ["run_records_ws_email", 0],
      ["run_records_ws_sfid", 0],
    ]);
    // The unique key still refuses a second record for one (run, key); new rows get the next rowid.
    await expect(
      insert.bind("x", "run_0", after.results[0]!.record_key, 99, "success", null, "2026-11-29T00:00:00.000Z").run(),
    ).rejects.toThrow();
    const fresh = await insert.bind("run_9:k1", "run_9", "k1", 0, "success", null, "2026-11-29T00:00:00.000Z").run();
    expect(fresh.meta.last_row_id).toBeGreaterThan(Number(after.results.at(-1)!.rowid));
  });

  it("0014 keeps every contact, keys them (workspace_id, id) WITHOUT ROWID, and gives the list index only ids from before", async () => {
    await applyUpTo(
      "0013_~",
      files.findIndex((f) => f.startsWith("0005")),
    );
    const contact = db.prepare(
      `INSERT INTO contacts (id, workspace_id, salesforce_id, salesforce_object, email, user_id, first_name, last_name, company_id, history, created_at, updated_at)
       VALUES (?, ?, ?, 'Lead', ?, ?, 'Ada', ?, ?, ?, ?, ?)`,
    );
    await db.batch(
      Array.from({ length: 40 }, (_, i) =>
        contact.bind(
          `ct_${String(i).padStart(16, "x")}`,
          `ws_${i % 2}`,
          i % 5 ? `00Q${String(i).padStart(12, "0")}AAA` : null,
          `p${i}@example.com`,
          i % 7 ? null : `user_${i}`,
          `L${i}`,
          i % 3 ? null : `co_${i}`,
          i % 4 ? null : `["1796060000000.run_${i}.0.${i}.${i}"]`,
          `2026-11-${String(1 + (i % 28)).padStart(2, "0")}T10:00:00.000Z`,
          "2026-11-29T10:00:00.000Z",
        ),
      ),
    );
    const read = () => db.prepare("SELECT * FROM contacts ORDER BY workspace_id, id").all<Record<string, unknown>>();
    const before = await read();

    await applyUpTo(
      "0014_~",
      files.findIndex((f) => f.startsWith("0014")),
    );
    expect((await read()).results).toEqual(before.results);
    const table = await db.prepare("SELECT sql FROM sqlite_master WHERE name = 'contacts'").first<{ sql: string }>();
    expect(table?.sql).toMatch(/PRIMARY KEY\(`workspace_id`, `id`\)\s*\) WITHOUT ROWID$/);
    const indexes = await db
      .prepare("SELECT name, \"partial\" FROM pragma_index_list('contacts') ORDER BY name")
      .all<{ name: string; partial: number }>();
    expect(indexes.results.map((r) => [r.name, r.partial])).toEqual([
      ["contacts_ws_company", 1],
      ["contacts_ws_created", 1],
      ["contacts_ws_email", 0],
      ["contacts_ws_sfid", 0],
      ["contacts_ws_user", 1],
      ["sqlite_autoindex_contacts_1", 0],
    ]);
    // Every contact from before is still in the list's index; one with a time-ordered id costs it no row.
    const listed = await db
      .prepare("SELECT count(*) AS n FROM contacts INDEXED BY contacts_ws_created WHERE " + OLD_ROW)
      .first<{ n: number }>();
    expect(listed?.n).toBe(40);
    const add = db.prepare(
      "INSERT INTO contacts (id, workspace_id, salesforce_id, email, created_at) VALUES (?, 'ws_0', ?, ?, '2026-11-30T10:00:00.000Z')",
    );
    const timed = await add.bind("ct__0mhxyz123AbCdEfGhIjKl", "00Q000000000999AAA", "t@example.com").run();
    const old = await add.bind("ct_oooooooooooooooo", "00Q000000000998AAA", "o@example.com").run();
    expect([timed.meta.rows_written, old.meta.rows_written]).toEqual([3, 4]);
    // The workspace's email is still unique; another workspace may have it.
    await expect(add.bind("ct_dup", null, "p0@example.com").run()).rejects.toThrow(/UNIQUE/);
    await db
      .prepare("INSERT INTO contacts (id, workspace_id, email) VALUES ('ct_dup', 'ws_1', 'p0@example.com')")
      .run();
  });
});
