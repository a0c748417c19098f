import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { d1Databases } from "../../scripts/db-migrate.ts";
import { migratedTemplate } from "../../scripts/stack.ts";

// `npm run db:migrate`: one command applies migrations/ to every D1 database wrangler.toml binds (the
// directory DB and each shard, docs/shards.md). The local stack (npm start, the browser tests) migrates
// with the same code into a template directory, made once per version of migrations/ and wrangler.toml:
// reading that template checks the command without paying wrangler's start-up again.

const ROOT = join(import.meta.dirname, "../..");

describe("npm run db:migrate", () => {
  it("reads every D1 database of wrangler.toml: the directory and the shards", () => {
    expect(d1Databases(readFileSync(join(ROOT, "wrangler.toml"), "utf8"))).toEqual([
      { binding: "DB", name: "conversion-sync" },
      { binding: "SHARD_1", name: "conversion-sync-shard-1" },
    ]);
    expect(
      d1Databases(
        '[[d1_databases]]\nbinding = "A"\ndatabase_name = "a"\n\n[vars]\nX = "1"\n[[d1_databases]]\nbinding = "B"\ndatabase_name = "b"\n',
      ),
    ).toEqual([
      { binding: "A", name: "a" },
      { binding: "B", name: "b" },
    ]);
  });

  it("applies every migration to every database", () => {
    const dir = join(migratedTemplate(), "v3", "d1", "miniflare-D1DatabaseObject");
    // One file per database (named by a hash of its id) beside miniflare's metadata.sqlite.
    const databases = readdirSync(dir).filter((f) => /^[0-9a-f]{64}\.sqlite$/.test(f));
    expect(databases).toHaveLength(2);
    const files = readdirSync(join(ROOT, "migrations")).filter((f) => f.endsWith(".sql")).length;
    for (const file of databases) {
      const db = new DatabaseSync(join(dir, file), { readOnly: true });
      try {
        const row = db
          .prepare(
            "SELECT (SELECT count(*) FROM d1_migrations) AS applied, (SELECT count(*) FROM pragma_table_info('workspaces') WHERE name = 'shard') AS shard",
          )
          .get();
        expect({ ...row }, file).toEqual({ applied: files, shard: 1 });
      } finally {
        db.close();
      }
    }
  }, 300_000);
});
