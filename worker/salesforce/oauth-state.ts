import { and, eq, gt, inArray, isNull, lt } from "drizzle-orm";
import { requiredSecret } from "../config";
import type { Db } from "../db";
import { oauthStates } from "../db/schema";
import { hmacSign, hmacVerify, randomToken, sha256 } from "../lib/crypto";
import { isoIn, isoNow } from "../lib/time";

export const STATE_TTL_MS = 10 * 60 * 1000;
// Expired states are kept a day so a late callback hears "expired", not "unknown".
const STATE_KEEP_MS = 24 * 60 * 60 * 1000;

/** Why the OAuth flow could not complete; `status` is the HTTP answer the callback gives. */
export class OAuthFlowError extends Error {
  constructor(
    readonly code:
      | "invalid_state"
      | "state_expired"
      | "state_already_used"
      | "state_session_mismatch"
      | "authorization_denied"
      | "authorization_failed"
      | "salesforce_unavailable",
    message: string,
    readonly status: 400 | 403 | 502 = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "OAuthFlowError";
  }
}

function signedText(nonce: string, workspaceId: string, sessionId: string): string {
  return `oauth-state:${nonce}:${workspaceId}:${sessionId}`;
}

/**
 * A state for one authorize redirect: `nonce.hmac(nonce, workspace, page session)`. The row (keyed by
 * the nonce's hash) binds it to the page session that started the flow, holds the PKCE verifier and
 * the chosen login host, and expires in 10 minutes.
 */
export async function issueState(
  env: Env,
  db: Db,
  flow: { workspaceId: string; sessionId: string; loginUrl: string },
): Promise<{ state: string; codeVerifier: string }> {
  const secret = requiredSecret(env, "SESSION_SECRET");
  const nonce = randomToken(24);
  const codeVerifier = randomToken(48);
  await db.insert(oauthStates).values({
    id: await sha256(nonce),
    workspaceId: flow.workspaceId,
    sessionId: flow.sessionId,
    loginUrl: flow.loginUrl,
    codeVerifier,
    expiresAt: isoIn(STATE_TTL_MS),
  });
  return {
    state: `${nonce}.${await hmacSign(secret, signedText(nonce, flow.workspaceId, flow.sessionId))}`,
    codeVerifier,
  };
}

/**
 * Verifies and spends a state exactly once (compare-and-set on used_at); returns its workspace,
 * verifier and login host.
 *
 * `browserSessionId` is the page session of the browser that came back from Salesforce, or null. A
 * state completes only in the very session that started it: a link started anywhere else (another
 * person's page, an API key, a launch link someone else made this browser open) connects nothing.
 * A refused state is not spent, so its own browser can still finish while state and code are fresh.
 */
export async function consumeState(
  env: Env,
  db: Db,
  state: string,
  browserSessionId: string | null,
): Promise<{ workspaceId: string; codeVerifier: string; loginUrl: string | null }> {
  const secret = requiredSecret(env, "SESSION_SECRET");
  const invalid = new OAuthFlowError("invalid_state", "The OAuth state is invalid; start connecting Salesforce again");
  const m = /^([A-Za-z0-9_-]{16,128})\.([A-Za-z0-9_-]{16,128})$/.exec(state);
  if (!m) throw invalid;
  const [, nonce = "", signature = ""] = m;
  const id = await sha256(nonce);
  const row = await db.select().from(oauthStates).where(eq(oauthStates.id, id)).get();
  if (!row?.sessionId || !(await hmacVerify(secret, signedText(nonce, row.workspaceId, row.sessionId), signature)))
    throw invalid;
  if (browserSessionId !== row.sessionId) {
    // Says nothing about the state's workspace: the caller may be the one a crafted link was sent to.
    throw new OAuthFlowError(
      "state_session_mismatch",
      "This Salesforce sign-in was not started from this browser's Conversion page, so nothing was connected. " +
        "To connect Salesforce, open Settings → CRM & Syncing from Conversion in this browser and click Connect Salesforce there",
      403,
    );
  }
  const used = new OAuthFlowError(
    "state_already_used",
    "This Salesforce authorization was already completed; start connecting again",
  );
  if (row.usedAt) throw used;
  const now = isoNow();
  if (row.expiresAt <= now) {
    throw new OAuthFlowError(
      "state_expired",
      "The Salesforce authorization took longer than 10 minutes and expired; start connecting again",
    );
  }
  const spent = await db
    .update(oauthStates)
    .set({ usedAt: now })
    .where(and(eq(oauthStates.id, id), isNull(oauthStates.usedAt), gt(oauthStates.expiresAt, now)))
    .returning({ id: oauthStates.id });
  if (!spent.length) throw used;
  return { workspaceId: row.workspaceId, codeVerifier: row.codeVerifier, loginUrl: row.loginUrl };
}

/** Deletes states expired more than a day ago (the retention cron), at most `limit` per call. */
export async function pruneStates(db: Db, now: number, limit: number): Promise<number> {
  const old = db
    .select({ id: oauthStates.id })
    .from(oauthStates)
    .where(lt(oauthStates.expiresAt, new Date(now - STATE_KEEP_MS).toISOString()))
    .limit(limit);
  const deleted = await db.delete(oauthStates).where(inArray(oauthStates.id, old)).returning({ id: oauthStates.id });
  return deleted.length;
}
