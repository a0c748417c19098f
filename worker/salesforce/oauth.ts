import { eq, sql } from "drizzle-orm";
import { getDb } from "../db";
import { connections } from "../db/schema";
import { decryptSecret, encryptSecret, sha256 } from "../lib/crypto";
import { isoNow } from "../lib/time";
import { SalesforceError } from "./errors";
import { fetchWithTimeout } from "./http";
import { fetchUsername, parseIdentityUrl } from "./identity";
import { consumeState, issueState, OAuthFlowError } from "./oauth-state";
import { loginUrl, requestToken, TokenEndpointError, type TokenResponse } from "./token-endpoint";

const SCOPES = "api refresh_token id";
const REVOKE_TIMEOUT_MS = 10_000;

/** Where to send the admin's browser: Salesforce's authorize page with a fresh state and a PKCE S256 challenge. */
export async function createAuthorizeUrl(env: Env, workspaceId: string, redirectUri: string): Promise<string> {
  const { state, codeVerifier } = await issueState(env, getDb(env), workspaceId);
  const url = new URL(loginUrl(env, "/services/oauth2/authorize"));
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: env.SALESFORCE_CLIENT_ID,
    redirect_uri: redirectUri,
    scope: SCOPES,
    state,
    code_challenge: await sha256(codeVerifier),
    code_challenge_method: "S256",
  }).toString();
  return url.toString();
}

async function exchangeCode(env: Env, code: string, redirectUri: string, codeVerifier: string): Promise<TokenResponse> {
  try {
    return await requestToken(env, {
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      code_verifier: codeVerifier,
    });
  } catch (err) {
    if (err instanceof TokenEndpointError) {
      throw new OAuthFlowError(
        "authorization_failed",
        `Salesforce did not accept the authorization (${err.error}: ${err.description}); start connecting again`,
      );
    }
    if (err instanceof SalesforceError)
      throw new OAuthFlowError("salesforce_unavailable", `${err.message}; try connecting again`, 502);
    throw err;
  }
}

/**
 * The callback's work: spends the state, exchanges the code (with the PKCE verifier), reads who
 * connected, and stores the connection. The instance URL comes from Salesforce's token response only.
 * `browserWorkspaceId` is the workspace the callback's browser is signed in to (null: none); the
 * state must belong to it (see consumeState).
 */
export async function completeAuthorization(
  env: Env,
  code: string,
  state: string,
  redirectUri: string,
  browserWorkspaceId: string | null,
): Promise<{ workspaceId: string }> {
  const db = getDb(env);
  const { workspaceId, codeVerifier } = await consumeState(env, db, state, browserWorkspaceId);
  const tokens = await exchangeCode(env, code, redirectUri, codeVerifier);
  const { orgId, userId } = parseIdentityUrl(tokens.identityUrl);
  const username = await fetchUsername(tokens.identityUrl, tokens.accessToken);
  const sealed = {
    accessTokenEnc: await encryptSecret(env.TOKEN_ENCRYPTION_KEY, tokens.accessToken),
    refreshTokenEnc: tokens.refreshToken ? await encryptSecret(env.TOKEN_ENCRYPTION_KEY, tokens.refreshToken) : null,
  };
  const now = isoNow();
  const fields = {
    status: "connected" as const,
    instanceUrl: tokens.instanceUrl,
    orgId,
    userId,
    username,
    ...sealed,
    connectedAt: now,
    updatedAt: now,
  };
  await db
    .insert(connections)
    .values({ workspaceId, ...fields })
    .onConflictDoUpdate({
      target: connections.workspaceId,
      set: {
        ...fields,
        // Usage read from another org says nothing about this one.
        apiUsed: sql`CASE WHEN ${connections.orgId} IS excluded.org_id THEN ${connections.apiUsed} END`,
        apiLimit: sql`CASE WHEN ${connections.orgId} IS excluded.org_id THEN ${connections.apiLimit} END`,
        apiAsOf: sql`CASE WHEN ${connections.orgId} IS excluded.org_id THEN ${connections.apiAsOf} END`,
      },
    });
  return { workspaceId };
}

/**
 * Removes the connection and revokes its refresh token (which also ends its access tokens). The row
 * goes first, so a failed or slow revoke never leaves the workspace looking connected.
 */
export async function disconnect(env: Env, workspaceId: string): Promise<boolean> {
  const deleted = await getDb(env)
    .delete(connections)
    .where(eq(connections.workspaceId, workspaceId))
    .returning({ accessTokenEnc: connections.accessTokenEnc, refreshTokenEnc: connections.refreshTokenEnc });
  const row = deleted[0];
  if (!row) return false;
  try {
    const token = await decryptSecret(env.TOKEN_ENCRYPTION_KEY, row.refreshTokenEnc ?? row.accessTokenEnc);
    const res = await fetchWithTimeout(
      loginUrl(env, "/services/oauth2/revoke"),
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token }).toString(),
      },
      REVOKE_TIMEOUT_MS,
    );
    await res.body?.cancel();
  } catch {
    // Best effort: the token is already forgotten here, and Salesforce expires unused ones.
  }
  return true;
}
