// `npm run db:migrate [-- --remote]`: applies migrations/ to every D1 database wrangler.toml binds — the
// directory `DB` and every shard (docs/shards.md) — locally (the default) or in the Cloudflare account
// (--remote). Other arguments (--persist-to DIR, --env NAME) go to each `wrangler d1 migrations apply`.
// Loaded by plain Node (types are stripped), so this file keeps to erasable TypeScript syntax.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(decodeURIComponent(new URL("..", import.meta.url).pathname));
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");

/** Every `[[d1_databases]]` of the config: its binding and database_name, in file order. */
export function d1Databases(toml: string): { binding: string; name: string }[] {
  const found: { binding: string; name: string }[] = [];
  // A table lasts until the next table header; only top-level [[d1_databases]] count.
  for (const block of toml.split(/^(?=\[)/m)) {
    if (!block.startsWith("[[d1_databases]]")) continue;
    const binding = block.match(/^binding\s*=\s*"([^"]+)"/m)?.[1];
    const name = block.match(/^database_name\s*=\s*"([^"]+)"/m)?.[1];
    if (!binding || !name) throw new Error(`a [[d1_databases]] table without binding or database_name:\n${block}`);
    found.push({ binding, name });
  }
  return found;
}

/**
 * Applies the migrations to each database in turn; throws naming the first that failed (the ones
 * before it are migrated, and applying again skips what is applied).
 */
export function migrateAll(args: string[], opts: { quiet?: boolean; env?: Record<string, string> } = {}): string[] {
  const where = args.includes("--remote") ? [] : args.includes("--local") ? [] : ["--local"];
  const done: string[] = [];
  for (const db of d1Databases(readFileSync(join(ROOT, "wrangler.toml"), "utf8"))) {
    if (!opts.quiet) console.log(`Migrating ${db.binding} (${db.name})…`);
    const res = spawnSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", db.name, ...where, ...args], {
      cwd: ROOT,
      // CI skips the confirmation prompt even on a terminal.
      env: { ...process.env, ...opts.env, CI: "true" },
      stdio: opts.quiet ? "pipe" : "inherit",
      encoding: "utf8",
    });
    if (res.status !== 0) {
      throw new Error(
        `D1 migrations of ${db.binding} (${db.name}) failed (${res.status}):\n${res.stdout ?? ""}${res.stderr ?? ""}`,
      );
    }
    done.push(db.binding);
  }
  return done;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(decodeURIComponent(new URL(import.meta.url).pathname))) {
  try {
    const done = migrateAll(process.argv.slice(2));
    console.log(`Migrated ${done.join(", ")}.`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
