import { tokenKeyMaterial } from "../config";
import { aesGcmOpen, aesGcmSeal, base64url, fromBase64url } from "../lib/crypto";

// Salesforce tokens at rest: `v2.<key id>.<iv>.<ciphertext>`, AES-256-GCM under TOKEN_ENCRYPTION_KEY
// with the workspace and the field as additional data, so a ciphertext copied into another
// workspace's row (or from the refresh column into the access column) does not open. The key id
// says which key sealed it: TOKEN_ENCRYPTION_KEY_PREVIOUS still opens what it sealed, and whatever
// was opened with it (or is a v1 value) is sealed again with the current key at the next write.
//
// v1 values (`v1.<iv>.<ciphertext>`, before this format: no key id, no additional data) open with
// either configured key, as 32 raw bytes only: the old stretching of a short or empty key is gone,
// so a token sealed under it does not open and its connection needs a reconnect.

export type TokenField = "access_token" | "refresh_token" | "push_secret";

type Key = { id: string; key: CryptoKey };
export type TokenKeys = { current: Key; previous: Key | null };

/** A stored value no configured key opens (another key, another workspace, or damaged). */
export class UnreadableTokenError extends Error {
  constructor() {
    super("The stored Salesforce tokens cannot be decrypted with the configured keys");
    this.name = "UnreadableTokenError";
  }
}

// Imported keys are kept per isolate, but never a pending promise: one request must not await work
// started in another request's context.
const imported = new Map<string, Key>();

async function importKey(raw: Uint8Array<ArrayBuffer>): Promise<Key> {
  const cacheKey = base64url(raw);
  const known = imported.get(cacheKey);
  if (known) return known;
  // The id is a digest of the key under a label of its own: it tells keys apart and reveals nothing.
  const label = new TextEncoder().encode("conversion-sync token key id:");
  const digest = await crypto.subtle.digest("SHA-256", new Uint8Array([...label, ...raw]));
  const id = base64url(new Uint8Array(digest)).slice(0, 8);
  const key = { id, key: await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]) };
  imported.set(cacheKey, key);
  return key;
}

/** The configured keys; throws ConfigError when TOKEN_ENCRYPTION_KEY is missing or either key is malformed. */
export async function tokenKeys(env: Env): Promise<TokenKeys> {
  const { current, previous } = tokenKeyMaterial(env);
  return { current: await importKey(current), previous: previous ? await importKey(previous) : null };
}

const aad = (workspaceId: string, field: TokenField) => `conversion-sync:${workspaceId}:${field}`;

/** Seals a token for one workspace's column with the current key. */
export async function sealToken(keys: TokenKeys, workspaceId: string, field: TokenField, plain: string) {
  const { iv, ciphertext } = await aesGcmSeal(keys.current.key, plain, aad(workspaceId, field));
  return `v2.${keys.current.id}.${base64url(iv)}.${base64url(ciphertext)}`;
}

/**
 * Opens a sealed token of that workspace and column. `stale` is true when it was not sealed with the
 * current key in the current format: the caller seals it again at its next write.
 */
export async function openToken(
  keys: TokenKeys,
  workspaceId: string,
  field: TokenField,
  sealed: string,
): Promise<{ value: string; stale: boolean }> {
  const parts = sealed.split(".");
  try {
    if (parts[0] === "v2" && parts.length === 4) {
      const [, id, iv, ct] = parts as [string, string, string, string];
      const key = [keys.current, keys.previous].find((k) => k?.id === id);
      if (key) {
        const value = await aesGcmOpen(key.key, fromBase64url(iv), fromBase64url(ct), aad(workspaceId, field));
        return { value, stale: key !== keys.current };
      }
    } else if (parts[0] === "v1" && parts.length === 3) {
      const [, iv, ct] = parts as [string, string, string];
      for (const key of [keys.current, keys.previous]) {
        if (!key) continue;
        const value = await aesGcmOpen(key.key, fromBase64url(iv), fromBase64url(ct), null).catch(() => null);
        if (value !== null) return { value, stale: true };
      }
    }
  } catch {
    // A value that does not authenticate is as unreadable as one no key matches.
  }
  throw new UnreadableTokenError();
}
