import { eq, sql } from "drizzle-orm";
import { type Db, directoryDb, type Shard, type ShardEnv, shardDb, workspaceEnv } from "../db";
import { commitBatch } from "../db/commit";
import { connections } from "../db/schema";
import { sha256 } from "../lib/crypto";
import { isoNow } from "../lib/time";
import { SalesforceError } from "./errors";
import { fetchWithTimeout } from "./http";
import { fetchUsername, parseIdentityUrl } from "./identity";
import { explainRefusal } from "./oauth-refusals";
import { consumeState, issueState, OAuthFlowError } from "./oauth-state";
import { openToken, sealToken, tokenKeys } from "./sealed-tokens";
import { defaultLoginUrl, loginEndpoint, requestToken, TokenEndpointError, type TokenResponse } from "./token-endpoint";

const SCOPES = "api refresh_token id";
const REVOKE_TIMEOUT_MS = 10_000;

/**
 * Where to send the admin's browser: the chosen login host's authorize page with a fresh state (bound
 * to the page session that asked) and a PKCE S256 challenge. Checks the token key first: a flow that
 * could not store its tokens is not started.
 */
export async function createAuthorizeUrl(
  env: Env,
  flow: { workspaceId: string; sessionId: string; loginUrl: string; redirectUri: string },
): Promise<string> {
  await tokenKeys(env);
  const { state, codeVerifier } = await issueState(env, directoryDb(env), flow);
  const url = new URL(loginEndpoint(flow.loginUrl, "/services/oauth2/authorize"));
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: env.SALESFORCE_CLIENT_ID,
    redirect_uri: flow.redirectUri,
    scope: SCOPES,
    state,
    code_challenge: await sha256(codeVerifier),
    code_challenge_method: "S256",
  }).toString();
  return url.toString();
}

async function exchangeCode(
  env: Env,
  loginUrl: string,
  code: string,
  redirectUri: string,
  codeVerifier: string,
): Promise<TokenResponse> {
  try {
    return await requestToken(env, loginUrl, {
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      code_verifier: codeVerifier,
    });
  } catch (err) {
    if (err instanceof TokenEndpointError) {
      const refusal = explainRefusal(err.error, err.description);
      throw new OAuthFlowError("authorization_failed", refusal.message, 400, refusal.details);
    }
    if (err instanceof SalesforceError)
      throw new OAuthFlowError("salesforce_unavailable", `${err.message}; try connecting again`, 502);
    throw err;
  }
}

/**
 * What the callback did: the workspace (and its shard), the org now connected and the org connected
 * before (null: none).
 */
export type Connected = { workspaceId: string; shard: Shard; orgId: string | null; previousOrgId: string | null };

/**
 * The callback's work: spends the state (only in the page session that started it), exchanges the
 * code at the state's login host with the PKCE verifier, reads who connected, and stores the
 * connection with its login host. The instance URL comes from Salesforce's token response only.
 */
export async function completeAuthorization(
  env: Env,
  callback: {
    code: string;
    state: string;
    redirectUri: string;
    browserSessionId: string | null;
    /** Statements committed in the same D1 batch as the connection (what follows from which org it is). */
    alongside?: (db: Db, workspaceId: string, orgId: string | null) => Promise<unknown[]>;
  },
): Promise<Connected> {
  // Before anything is spent or stored: without a usable key the tokens could not be kept.
  const keys = await tokenKeys(env);
  const {
    workspaceId,
    codeVerifier,
    loginUrl: stateLoginUrl,
  } = await consumeState(env, directoryDb(env), callback.state, callback.browserSessionId);
  // The state names the workspace; its connection lives on the workspace's shard.
  const onItsShard = await workspaceEnv(env, workspaceId);
  if (!onItsShard)
    throw new OAuthFlowError("invalid_state", "The OAuth state is invalid; start connecting Salesforce again");
  const db = shardDb(onItsShard);
  const loginUrl = stateLoginUrl ?? defaultLoginUrl(env);
  const tokens = await exchangeCode(env, loginUrl, callback.code, callback.redirectUri, codeVerifier);
  const { orgId, userId } = parseIdentityUrl(tokens.identityUrl);
  const username = await fetchUsername(tokens.identityUrl, tokens.accessToken);
  const sealed = {
    accessTokenEnc: await sealToken(keys, workspaceId, "access_token", tokens.accessToken),
    refreshTokenEnc: tokens.refreshToken
      ? await sealToken(keys, workspaceId, "refresh_token", tokens.refreshToken)
      : null,
  };
  const previous = await db
    .select({ orgId: connections.orgId })
    .from(connections)
    .where(eq(connections.workspaceId, workspaceId))
    .get();
  const now = isoNow();
  const fields = {
    status: "connected" as const,
    instanceUrl: tokens.instanceUrl,
    loginUrl,
    orgId,
    userId,
    username,
    ...sealed,
    connectedAt: now,
    updatedAt: now,
  };
  const along = (await callback.alongside?.(db, workspaceId, orgId)) ?? [];
  const store = db
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
  await commitBatch(db, [store, ...along]);
  return { workspaceId, shard: onItsShard.shard, orgId, previousOrgId: previous?.orgId ?? null };
}

/**
 * Removes the connection and revokes its refresh token (which also ends its access tokens) at the
 * org's login host. The row goes first, so a failed or slow revoke never leaves the workspace looking
 * connected; the key is checked before anything, so a misconfigured server forgets no token it could
 * not revoke.
 */
export async function disconnect(env: ShardEnv, workspaceId: string): Promise<boolean> {
  const keys = await tokenKeys(env);
  const deleted = await shardDb(env).delete(connections).where(eq(connections.workspaceId, workspaceId)).returning({
    accessTokenEnc: connections.accessTokenEnc,
    refreshTokenEnc: connections.refreshTokenEnc,
    loginUrl: connections.loginUrl,
  });
  const row = deleted[0];
  if (!row) return false;
  try {
    const field = row.refreshTokenEnc ? "refresh_token" : "access_token";
    const { value: token } = await openToken(keys, workspaceId, field, row.refreshTokenEnc ?? row.accessTokenEnc);
    const res = await fetchWithTimeout(
      loginEndpoint(row.loginUrl ?? defaultLoginUrl(env), "/services/oauth2/revoke"),
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
