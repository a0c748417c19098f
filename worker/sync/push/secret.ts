import { eq } from "drizzle-orm";
import type { Db } from "../../db";
import { pushSecrets } from "../../db/schema";
import { randomToken } from "../../lib/crypto";
import { isoNow } from "../../lib/time";
import { openToken, sealToken, tokenKeys } from "../../salesforce";

/** The workspace's push secret as Settings shows it. */
export interface PushSecret {
  secret: string;
  createdAt: string;
  lastUsedAt: string | null;
}

// "sps_" says what the string is when it turns up somewhere (a Flow's header, a support ticket).
const newSecret = () => `sps_${randomToken(32)}`;

/** The stored secret, opened; null when none was made yet (or no configured key opens it). */
export async function readPushSecret(env: Env, db: Db, workspaceId: string): Promise<PushSecret | null> {
  const row = await db.select().from(pushSecrets).where(eq(pushSecrets.workspaceId, workspaceId)).get();
  if (!row) return null;
  try {
    const { value } = await openToken(await tokenKeys(env), workspaceId, "push_secret", row.secretEnc);
    return { secret: value, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt ?? null };
  } catch (err) {
    if (err instanceof Error && err.name === "UnreadableTokenError") return null;
    throw err;
  }
}

/** A new secret replaces the old at once: Salesforce must be given the new one (Settings says so). */
export async function rotatePushSecret(env: Env, db: Db, workspaceId: string): Promise<PushSecret> {
  const secret = newSecret();
  const secretEnc = await sealToken(await tokenKeys(env), workspaceId, "push_secret", secret);
  const createdAt = isoNow();
  await db
    .insert(pushSecrets)
    .values({ workspaceId, secretEnc, createdAt, lastUsedAt: null })
    .onConflictDoUpdate({ target: pushSecrets.workspaceId, set: { secretEnc, createdAt, lastUsedAt: null } });
  return { secret, createdAt, lastUsedAt: null };
}

/** Compares without an early exit, so the secret cannot be guessed a character at a time. */
function same(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Whether `presented` is the workspace's push secret; a match stamps when it was last used. */
export async function checkPushSecret(env: Env, db: Db, workspaceId: string, presented: string): Promise<boolean> {
  const stored = await readPushSecret(env, db, workspaceId);
  if (!stored || !same(stored.secret, presented)) return false;
  await db.update(pushSecrets).set({ lastUsedAt: isoNow() }).where(eq(pushSecrets.workspaceId, workspaceId));
  return true;
}
