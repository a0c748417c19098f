import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db";
import { apiKeys, workspaces } from "../db/schema";
import { newId, randomToken, sha256 } from "../lib/crypto";

/** Issues a new API key for a workspace; only its hash is stored, so this is the one time it is seen. */
export async function issueApiKey(db: Db, workspaceId: string): Promise<{ id: string; apiKey: string }> {
  const apiKey = `cvk_${randomToken(24)}`;
  const id = newId("key");
  await db.insert(apiKeys).values({ id, workspaceId, keyHash: await sha256(apiKey), prefix: apiKey.slice(0, 8) });
  return { id, apiKey };
}

/**
 * How long an isolate trusts a key it looked up. A service writing in bursts sends many requests a
 * second with one key; each would otherwise spend a D1 round trip (of the two or three a write
 * costs) on the same answer. A revoked key stops working at once in the isolate that revoked it and
 * within this time in every other.
 */
export const KEY_TRUST_MS = 5_000;
const MAX_TRUSTED = 10_000;
type Key = { id: string; workspaceId: string; shard: string };
const trusted = new Map<string, { key: Key; until: number }>();

/** The key's id, workspace and the workspace's shard, or null for an unknown or revoked key. */
export async function lookupApiKey(db: Db, apiKey: string): Promise<Key | null> {
  const hash = await sha256(apiKey);
  const known = trusted.get(hash);
  if (known && known.until > Date.now()) return known.key;
  const row = await db
    .select({ id: apiKeys.id, workspaceId: apiKeys.workspaceId, shard: workspaces.shard })
    .from(apiKeys)
    .innerJoin(workspaces, eq(workspaces.id, apiKeys.workspaceId))
    .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)))
    .get();
  trusted.delete(hash);
  if (!row) return null;
  // Oldest first out: a Map iterates in insertion order.
  if (trusted.size >= MAX_TRUSTED) trusted.delete(trusted.keys().next().value!);
  trusted.set(hash, { key: row, until: Date.now() + KEY_TRUST_MS });
  return row;
}

/** A key was revoked: this isolate looks every key up again. */
export function forgetTrustedKeys(): void {
  trusted.clear();
}
