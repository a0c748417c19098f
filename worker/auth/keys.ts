import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db";
import { apiKeys } from "../db/schema";
import { newId, randomToken, sha256 } from "../lib/crypto";

/** Issues a new API key for a workspace; only its hash is stored, so this is the one time it is seen. */
export async function issueApiKey(db: Db, workspaceId: string): Promise<{ id: string; apiKey: string }> {
  const apiKey = `cvk_${randomToken(24)}`;
  const id = newId("key");
  await db.insert(apiKeys).values({ id, workspaceId, keyHash: await sha256(apiKey), prefix: apiKey.slice(0, 8) });
  return { id, apiKey };
}

/** The key's id and workspace, or null for an unknown or revoked key. */
export async function lookupApiKey(db: Db, apiKey: string): Promise<{ id: string; workspaceId: string } | null> {
  const row = await db
    .select({ id: apiKeys.id, workspaceId: apiKeys.workspaceId })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, await sha256(apiKey)), isNull(apiKeys.revokedAt)))
    .get();
  return row ?? null;
}
