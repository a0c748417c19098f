import { applyD1Migrations, type D1Migration } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { shards } from "../../worker/db";

// Runs before each test file: the schema exactly as wrangler would apply it in production, on every
// shard (each gets the same migrations: docs/shards.md).
const migrations = (env as unknown as { TEST_MIGRATIONS: D1Migration[] }).TEST_MIGRATIONS;
for (const shard of shards(env)) {
  await applyD1Migrations((env as unknown as Record<string, D1Database>)[shard]!, migrations);
}
