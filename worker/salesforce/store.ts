import { and, eq, isNull } from "drizzle-orm";
import { ConfigError } from "../config";
import type { Db } from "../db";
import { connections } from "../db/schema";
import { isoNow } from "../lib/time";
import { authenticationFailure, SalesforceError } from "./errors";
import { openToken, sealToken, tokenKeys, UnreadableTokenError } from "./sealed-tokens";
import { defaultLoginUrl } from "./token-endpoint";

export type ConnectionRow = typeof connections.$inferSelect;

/** The tokens and where to use them, in clear text only in memory. */
export type Session = {
  workspaceId: string;
  instanceUrl: string;
  /** Where this org authorizes, refreshes and revokes: its stored login host, else the deployment's default. */
  loginUrl: string;
  accessToken: string;
  refreshToken: string | null;
  /** The sealed refresh token as read, to tell whether another invocation has rotated it since. */
  refreshTokenEnc: string | null;
  /** Read with the previous key or in the old format: both tokens are sealed again at the next write. */
  stale: boolean;
};

export async function loadConnectionRow(db: Db, workspaceId: string): Promise<ConnectionRow | null> {
  return (await db.select().from(connections).where(eq(connections.workspaceId, workspaceId)).get()) ?? null;
}

/**
 * The tokens' keys for a sync: a missing or malformed key fails the run with the variable's name
 * (nothing is marked, nothing stored), so the operator's fix is all it takes.
 */
export async function syncTokenKeys(env: Env) {
  try {
    return await tokenKeys(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new SalesforceError({
      failureCode: "unknown_error",
      message: `Conversion's server is misconfigured: ${err.message}`,
    });
  }
}

/** Decrypts a row into a session; a row no configured key opens (key lost, damaged) needs a reconnect. */
export async function sessionFromRow(env: Env, row: ConnectionRow): Promise<Session> {
  const keys = await syncTokenKeys(env);
  try {
    const access = await openToken(keys, row.workspaceId, "access_token", row.accessTokenEnc);
    const refresh = row.refreshTokenEnc
      ? await openToken(keys, row.workspaceId, "refresh_token", row.refreshTokenEnc)
      : null;
    return {
      workspaceId: row.workspaceId,
      instanceUrl: row.instanceUrl,
      loginUrl: row.loginUrl ?? defaultLoginUrl(env),
      accessToken: access.value,
      refreshToken: refresh?.value ?? null,
      refreshTokenEnc: row.refreshTokenEnc,
      stale: access.stale || !!refresh?.stale,
    };
  } catch (err) {
    if (!(err instanceof UnreadableTokenError)) throw err;
    throw authenticationFailure("The stored Salesforce tokens cannot be decrypted; reconnect Salesforce", 0);
  }
}

/**
 * Stores tokens a refresh returned: whatever we got wins, and the connection is usable again, because
 * these tokens are newer than any a racing invocation could have given up on. A refresh token that
 * did not rotate is sealed again when it was read with the previous key (key rotation).
 */
export async function saveRefreshedTokens(env: Env, db: Db, session: Session, rotated: boolean): Promise<void> {
  const keys = await syncTokenKeys(env);
  const accessTokenEnc = await sealToken(keys, session.workspaceId, "access_token", session.accessToken);
  const refreshTokenEnc =
    session.refreshToken && (rotated || session.stale)
      ? await sealToken(keys, session.workspaceId, "refresh_token", session.refreshToken)
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
  session.stale = false;
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
