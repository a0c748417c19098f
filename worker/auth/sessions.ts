import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../db";
import { sessions } from "../db/schema";
import { randomToken, sha256 } from "../lib/crypto";
import { isoIn, isoNow } from "../lib/time";

export const LAUNCH_TTL_MS = 5 * 60 * 1000;
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const SESSION_COOKIE = "cv_session";

/** A one-time launch token; the page exchanges it for a session cookie. */
export async function createLaunchToken(db: Db, workspaceId: string): Promise<string> {
  const token = randomToken();
  await db.insert(sessions).values({
    id: await sha256(token),
    workspaceId,
    kind: "launch",
    expiresAt: isoIn(LAUNCH_TTL_MS),
  });
  return token;
}

/**
 * Consumes a launch token (compare-and-set on `used_at`, so two tabs cannot both use it) and opens
 * a session. Returns the session secret and its CSRF token, or null when the link is spent or old.
 */
export async function redeemLaunchToken(db: Db, token: string) {
  const id = await sha256(token);
  const now = isoNow();
  const used = await db
    .update(sessions)
    .set({ usedAt: now })
    .where(and(eq(sessions.id, id), eq(sessions.kind, "launch"), isNull(sessions.usedAt), gt(sessions.expiresAt, now)))
    .returning({ workspaceId: sessions.workspaceId });
  const workspaceId = used[0]?.workspaceId;
  if (!workspaceId) return null;
  const secret = randomToken();
  const csrfToken = randomToken(16);
  await db.insert(sessions).values({
    id: await sha256(secret),
    workspaceId,
    kind: "session",
    csrfToken,
    expiresAt: isoIn(SESSION_TTL_MS),
  });
  return { secret, csrfToken, workspaceId };
}

export async function lookupSession(db: Db, secret: string) {
  const row = await db
    .select({ workspaceId: sessions.workspaceId, csrfToken: sessions.csrfToken })
    .from(sessions)
    .where(and(eq(sessions.id, await sha256(secret)), eq(sessions.kind, "session"), gt(sessions.expiresAt, isoNow())))
    .get();
  return row ?? null;
}
