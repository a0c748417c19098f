import { and, eq, gt, inArray, isNotNull, isNull, lt, or } from "drizzle-orm";
import { sessionTimeouts } from "../config";
import type { Db } from "../db";
import { apiKeys, sessions, workspaces } from "../db/schema";
import { randomToken, sha256 } from "../lib/crypto";
import { isoIn, isoNow } from "../lib/time";

export const LAUNCH_TTL_MS = 5 * 60 * 1000;
export const SESSION_COOKIE = "cv_session";
// last_seen_at is written at most this often, so reading the page costs no write per request.
const TOUCH_EVERY_MS = 60 * 1000;

/** A one-time launch token minted with an API key; the page exchanges it for a session cookie. */
export async function createLaunchToken(db: Db, workspaceId: string, apiKeyId: string): Promise<string> {
  const token = randomToken();
  await db.insert(sessions).values({
    id: await sha256(token),
    workspaceId,
    kind: "launch",
    apiKeyId,
    expiresAt: isoIn(LAUNCH_TTL_MS),
  });
  return token;
}

/** What a launch token opens, without spending it (to ask before switching workspaces). Null when spent, old or its key revoked. */
export async function peekLaunchToken(db: Db, token: string): Promise<{ workspaceId: string } | null> {
  const row = await db
    .select({ workspaceId: sessions.workspaceId })
    .from(sessions)
    .innerJoin(apiKeys, and(eq(apiKeys.id, sessions.apiKeyId), isNull(apiKeys.revokedAt)))
    .where(
      and(
        eq(sessions.id, await sha256(token)),
        eq(sessions.kind, "launch"),
        isNull(sessions.usedAt),
        gt(sessions.expiresAt, isoNow()),
      ),
    )
    .get();
  return row ?? null;
}

/**
 * Consumes a launch token (compare-and-set on `used_at`, so two tabs cannot both use it) and opens
 * a session that remembers the same API key. `replaces` (the browser's current session id) ends in
 * the same batch. Returns the session secret and CSRF token, or null when the link is spent or old.
 */
export async function redeemLaunchToken(env: Env, db: Db, token: string, replaces: string | null) {
  const { absoluteMs } = sessionTimeouts(env);
  const launch = await peekLaunchToken(db, token);
  if (!launch) return null;
  const id = await sha256(token);
  const now = isoNow();
  const used = await db
    .update(sessions)
    .set({ usedAt: now })
    .where(and(eq(sessions.id, id), eq(sessions.kind, "launch"), isNull(sessions.usedAt), gt(sessions.expiresAt, now)))
    .returning({ workspaceId: sessions.workspaceId, apiKeyId: sessions.apiKeyId });
  const spent = used[0];
  if (!spent?.apiKeyId) return null;
  const secret = randomToken();
  const csrfToken = randomToken(16);
  const insert = db.insert(sessions).values({
    id: await sha256(secret),
    workspaceId: spent.workspaceId,
    kind: "session",
    csrfToken,
    apiKeyId: spent.apiKeyId,
    expiresAt: isoIn(absoluteMs),
    lastSeenAt: now,
  });
  if (replaces) await db.batch([insert, db.delete(sessions).where(eq(sessions.id, replaces))]);
  else await insert;
  return { secret, csrfToken, workspaceId: spent.workspaceId };
}

export type PageSession = {
  id: string;
  workspaceId: string;
  /** The workspace's shard (docs/shards.md). */
  shard: string;
  csrfToken: string | null;
  apiKeyId: string;
};

/**
 * The live page session for a cookie secret: not past its absolute end, not idle too long, and its
 * API key not revoked. Refreshes last_seen_at (at most once a minute).
 */
export async function lookupSession(env: Env, db: Db, secret: string): Promise<PageSession | null> {
  const { idleMs } = sessionTimeouts(env);
  const id = await sha256(secret);
  const now = Date.now();
  const row = await db
    .select({
      id: sessions.id,
      workspaceId: sessions.workspaceId,
      csrfToken: sessions.csrfToken,
      apiKeyId: apiKeys.id,
      lastSeenAt: sessions.lastSeenAt,
      shard: workspaces.shard,
    })
    .from(sessions)
    .innerJoin(apiKeys, and(eq(apiKeys.id, sessions.apiKeyId), isNull(apiKeys.revokedAt)))
    .innerJoin(workspaces, eq(workspaces.id, sessions.workspaceId))
    .where(
      and(
        eq(sessions.id, id),
        eq(sessions.kind, "session"),
        gt(sessions.expiresAt, new Date(now).toISOString()),
        gt(sessions.lastSeenAt, new Date(now - idleMs).toISOString()),
      ),
    )
    .get();
  if (!row) return null;
  if (!row.lastSeenAt || Date.parse(row.lastSeenAt) < now - TOUCH_EVERY_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: new Date(now).toISOString() })
      .where(eq(sessions.id, id));
  }
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    shard: row.shard,
    csrfToken: row.csrfToken,
    apiKeyId: row.apiKeyId,
  };
}

/** Ends one page session (sign-out). */
export async function endSession(db: Db, id: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, id));
}

/** The statement that ends every session and unspent launch link a workspace's API key minted (the key is being revoked). */
export function endSessionsOfKey(db: Db, workspaceId: string, apiKeyId: string) {
  return db.delete(sessions).where(and(eq(sessions.workspaceId, workspaceId), eq(sessions.apiKeyId, apiKeyId)));
}

/**
 * Deletes expired and idle sessions, spent or old launch links, and sessions whose key was revoked,
 * in one bounded statement per tick (the retention cron).
 */
export async function pruneSessions(env: Env, db: Db, now: number, limit: number): Promise<number> {
  const { idleMs } = sessionTimeouts(env);
  const nowIso = new Date(now).toISOString();
  const stale = db
    .select({ id: sessions.id })
    .from(sessions)
    .leftJoin(apiKeys, eq(apiKeys.id, sessions.apiKeyId))
    .where(
      or(
        lt(sessions.expiresAt, nowIso),
        and(eq(sessions.kind, "launch"), isNotNull(sessions.usedAt)),
        and(eq(sessions.kind, "session"), lt(sessions.lastSeenAt, new Date(now - idleMs).toISOString())),
        isNull(apiKeys.id),
        isNotNull(apiKeys.revokedAt),
      ),
    )
    .limit(limit);
  const deleted = await db.delete(sessions).where(inArray(sessions.id, stale)).returning({ id: sessions.id });
  return deleted.length;
}
