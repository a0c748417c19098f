import { and, eq, gt, isNull, lt } from "drizzle-orm";
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
      | "sign_in_required"
      | "workspace_mismatch"
      | "authorization_failed"
      | "salesforce_unavailable",
    message: string,
    readonly status: 400 | 401 | 403 | 502 = 400,
  ) {
    super(message);
    this.name = "OAuthFlowError";
  }
}

function signedText(nonce: string, workspaceId: string): string {
  return `oauth-state:${nonce}:${workspaceId}`;
}

/**
 * A state for one authorize redirect: `nonce.hmac(nonce, workspace)`. The row (keyed by the nonce's
 * hash) binds it to the workspace, holds the PKCE verifier, and expires in 10 minutes.
 */
export async function issueState(
  env: Env,
  db: Db,
  workspaceId: string,
): Promise<{ state: string; codeVerifier: string }> {
  const nonce = randomToken(24);
  const codeVerifier = randomToken(48);
  await db.batch([
    db.delete(oauthStates).where(lt(oauthStates.expiresAt, isoIn(-STATE_KEEP_MS))),
    db
      .insert(oauthStates)
      .values({ id: await sha256(nonce), workspaceId, codeVerifier, expiresAt: isoIn(STATE_TTL_MS) }),
  ]);
  return { state: `${nonce}.${await hmacSign(env.SESSION_SECRET, signedText(nonce, workspaceId))}`, codeVerifier };
}

/**
 * Verifies and spends a state exactly once (compare-and-set on used_at); returns its workspace and verifier.
 *
 * `browserWorkspaceId` is the workspace the callback's browser is signed in to (its page session), or
 * null. A state only completes in a browser signed in to the state's own workspace: otherwise an
 * authorize URL made with one workspace's credentials and sent to another org's admin would connect
 * that admin's org to the sender's workspace. A refused state is not spent: the same callback still
 * completes once the browser is signed in to that workspace, while the state and code are fresh.
 */
export async function consumeState(
  env: Env,
  db: Db,
  state: string,
  browserWorkspaceId: string | null,
): Promise<{ workspaceId: string; codeVerifier: string }> {
  const invalid = new OAuthFlowError("invalid_state", "The OAuth state is invalid; start connecting Salesforce again");
  const m = /^([A-Za-z0-9_-]{16,128})\.([A-Za-z0-9_-]{16,128})$/.exec(state);
  if (!m) throw invalid;
  const [, nonce = "", signature = ""] = m;
  const id = await sha256(nonce);
  const row = await db.select().from(oauthStates).where(eq(oauthStates.id, id)).get();
  if (!row || !(await hmacVerify(env.SESSION_SECRET, signedText(nonce, row.workspaceId), signature))) throw invalid;
  if (!browserWorkspaceId) {
    throw new OAuthFlowError(
      "sign_in_required",
      "Finish connecting Salesforce in a browser signed in to this workspace: open Settings → CRM & Syncing from Conversion and connect Salesforce from its Overview tab; nothing was connected",
      401,
    );
  }
  if (browserWorkspaceId !== row.workspaceId) {
    // Says nothing about the state's workspace: the caller may be the one a crafted link was sent to.
    throw new OAuthFlowError(
      "workspace_mismatch",
      "This Salesforce authorization was started for a different workspace than the one this browser is signed in to; nothing was connected. Open Settings → CRM & Syncing of the workspace you want to connect and connect Salesforce from its Overview tab",
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
  return { workspaceId: row.workspaceId, codeVerifier: row.codeVerifier };
}
