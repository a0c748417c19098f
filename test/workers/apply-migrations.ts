import { applyD1Migrations, type D1Migration } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { shards } from "../../worker/db";

// Runs before each test file: the schema exactly as wrangler would apply it in production, on every
// shard (each gets the same migrations: docs/shards.md).
const migrations = (env as unknown as { TEST_MIGRATIONS: D1Migration[] }).TEST_MIGRATIONS;
for (const shard of shards(env)) {
  const db = (env as unknown as Record<string, D1Database>)[shard]!;
  await applyD1Migrations(db, migrations);
  // The files of a project share one workerd and its D1 (vitest.config.ts: isolate false), so each
  // file starts from empty databases, as it would in a workerd of its own: no workspace, run or
  // outbox row of an earlier file is there for a cron tick, a sweep or a count to find.
  const { results } = await db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
    )
    .all<{ name: string }>();
  // One transaction, its foreign keys checked at the end (when every table is empty), not row by row.
  await db.batch([
    db.prepare("PRAGMA defer_foreign_keys = true"),
    ...results.map((t) => db.prepare(`DELETE FROM "${t.name}"`)),
  ]);
}
