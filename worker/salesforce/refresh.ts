import type { Db } from "../db";
import { authenticationFailure } from "./errors";
import { loadConnectionRow, markNeedsReconnect, type Session, saveRefreshedTokens, sessionFromRow } from "./store";
import { requestToken, TokenEndpointError } from "./token-endpoint";

const RACE_RECHECK_MS = 750;

/**
 * Swaps the session's refresh token for a new access token (and the rotated refresh token, if any),
 * stores them sealed, and mutates `session` in place. `invalid_grant` marks the connection
 * needs_reconnect, unless another invocation rotated the token meanwhile: then its tokens are adopted.
 */
export async function refreshSession(env: Env, db: Db, session: Session): Promise<void> {
  if (!session.refreshToken) {
    await markNeedsReconnect(db, session.workspaceId, session.refreshTokenEnc);
    throw authenticationFailure("The Salesforce session expired and there is no refresh token; reconnect Salesforce");
  }
  let tokens: Awaited<ReturnType<typeof requestToken>>;
  try {
    tokens = await requestToken(env, session.loginUrl, {
      grant_type: "refresh_token",
      refresh_token: session.refreshToken,
    });
  } catch (err) {
    if (!(err instanceof TokenEndpointError)) throw err;
    if (err.error === "invalid_grant") return handleInvalidGrant(env, db, session, err);
    throw authenticationFailure(`Salesforce refused to refresh the session: ${err.error}`, err.status, err.error);
  }
  session.accessToken = tokens.accessToken;
  session.instanceUrl = tokens.instanceUrl;
  if (tokens.refreshToken) session.refreshToken = tokens.refreshToken;
  await saveRefreshedTokens(env, db, session, tokens.refreshToken !== null);
}

async function handleInvalidGrant(env: Env, db: Db, session: Session, err: TokenEndpointError): Promise<void> {
  // With rotation on, a racing invocation's refresh spends the token we hold; its store lands shortly.
  for (const waitMs of [0, RACE_RECHECK_MS]) {
    if (waitMs) await new Promise((resolve) => setTimeout(resolve, waitMs));
    const row = await loadConnectionRow(db, session.workspaceId);
    if (!row) throw authenticationFailure("Salesforce is not connected", 0);
    if (row.status === "connected" && row.refreshTokenEnc !== session.refreshTokenEnc) {
      Object.assign(session, await sessionFromRow(env, row));
      return;
    }
  }
  await markNeedsReconnect(db, session.workspaceId, session.refreshTokenEnc);
  throw authenticationFailure(
    `Salesforce refused the refresh token (invalid_grant: ${err.description}); reconnect Salesforce`,
    err.status,
    "invalid_grant",
  );
}
