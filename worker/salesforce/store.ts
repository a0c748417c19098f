import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db";
import { connections } from "../db/schema";
import { decryptSecret, encryptSecret } from "../lib/crypto";
import { isoNow } from "../lib/time";
import { authenticationFailure } from "./errors";

export type ConnectionRow = typeof connections.$inferSelect;

/** The tokens and where to use them, in clear text only in memory. */
export type Session = {
  workspaceId: string;
  instanceUrl: string;
  accessToken: string;
  refreshToken: string | null;
  /** The sealed refresh token as read, to tell whether another invocation has rotated it since. */
  refreshTokenEnc: string | null;
};

export async function loadConnectionRow(db: Db, workspaceId: string): Promise<ConnectionRow | null> {
  return (await db.select().from(connections).where(eq(connections.workspaceId, workspaceId)).get()) ?? null;
}

/** Decrypts a row into a session; a row we cannot decrypt (key rotated) needs a reconnect too. */
export async function sessionFromRow(env: Env, row: ConnectionRow): Promise<Session> {
  try {
    return {
      workspaceId: row.workspaceId,
      instanceUrl: row.instanceUrl,
      accessToken: await decryptSecret(env.TOKEN_ENCRYPTION_KEY, row.accessTokenEnc),
      refreshToken: row.refreshTokenEnc ? await decryptSecret(env.TOKEN_ENCRYPTION_KEY, row.refreshTokenEnc) : null,
      refreshTokenEnc: row.refreshTokenEnc,
    };
  } catch {
    throw authenticationFailure("The stored Salesforce tokens cannot be decrypted; reconnect Salesforce", 0);
  }
}

/**
 * Stores tokens a refresh returned: whatever we got wins, and the connection is usable again, because
 * these tokens are newer than any a racing invocation could have given up on.
 */
export async function saveRefreshedTokens(env: Env, db: Db, session: Session): Promise<void> {
  const accessTokenEnc = await encryptSecret(env.TOKEN_ENCRYPTION_KEY, session.accessToken);
  const refreshTokenEnc = session.refreshToken
    ? await encryptSecret(env.TOKEN_ENCRYPTION_KEY, session.refreshToken)
    : null;
  await db
    .update(connections)
    .set({
      status: "connected",
      accessTokenEnc,
      ...(refreshTokenEnc ? { refreshTokenEnc } : {}),
      instanceUrl: session.instanceUrl,
      updatedAt: isoNow(),
    })
    .where(eq(connections.workspaceId, session.workspaceId));
  if (refreshTokenEnc) session.refreshTokenEnc = refreshTokenEnc;
}

/** Marks needs_reconnect only if nobody has stored a different refresh token meanwhile (compare-and-set). */
export async function markNeedsReconnect(db: Db, workspaceId: string, refreshTokenEnc: string | null): Promise<void> {
  await db
    .update(connections)
    .set({ status: "needs_reconnect", updatedAt: isoNow() })
    .where(
      and(
        eq(connections.workspaceId, workspaceId),
        refreshTokenEnc === null
          ? isNull(connections.refreshTokenEnc)
          : eq(connections.refreshTokenEnc, refreshTokenEnc),
      ),
    );
}
