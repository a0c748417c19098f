// WebCrypto helpers shared by auth, sessions, OAuth state and token storage.

const encoder = new TextEncoder();

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Base64url without padding (RFC 4648 §5), three bytes to four characters at a time. */
export function base64url(bytes: Uint8Array): string {
  const a = BASE64URL;
  let s = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    s += a[n >> 18]! + a[(n >> 12) & 63]! + a[(n >> 6) & 63]! + a[n & 63]!;
  }
  if (bytes.length - i === 1) {
    const n = bytes[i]! << 16;
    s += a[n >> 18]! + a[(n >> 12) & 63]!;
  } else if (bytes.length - i === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    s += a[n >> 18]! + a[(n >> 12) & 63]! + a[(n >> 6) & 63]!;
  }
  return s;
}

export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A URL-safe random secret of `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

// Ids take their random bytes from a pool refilled 4 KiB at a time: one getRandomValues call per
// id was a measurable part of a backfill's CPU (a contact a record). Secrets (randomToken) do not.
const POOL = new Uint8Array(4096);
let poolAt = POOL.length;

/** `bytes` random bytes (at most 4,096) for an id, as base64url. */
export function randomIdPart(bytes: number): string {
  if (poolAt + bytes > POOL.length) {
    crypto.getRandomValues(POOL);
    poolAt = 0;
  }
  poolAt += bytes;
  return base64url(POOL.subarray(poolAt - bytes, poolAt));
}

export function newId(prefix: string): string {
  return `${prefix}_${randomIdPart(12)}`;
}

export async function sha256(text: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))));
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

export async function hmacSign(secret: string, data: string): Promise<string> {
  const sig = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(data));
  return base64url(new Uint8Array(sig));
}

/** Constant-time check of an HMAC signature (WebCrypto verify does not leak timing). */
export async function hmacVerify(secret: string, data: string, signature: string): Promise<boolean> {
  let sig: Uint8Array<ArrayBuffer>;
  try {
    sig = fromBase64url(signature);
  } catch {
    return false;
  }
  return crypto.subtle.verify("HMAC", await hmacKey(secret), sig, encoder.encode(data));
}

/** AES-256-GCM with a fresh 96-bit IV; `aad` binds the ciphertext to its context. Returns IV and ciphertext. */
export async function aesGcmSeal(
  key: CryptoKey,
  plain: string,
  aad: string,
): Promise<{ iv: Uint8Array<ArrayBuffer>; ciphertext: Uint8Array<ArrayBuffer> }> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(aad) },
    key,
    encoder.encode(plain),
  );
  return { iv, ciphertext: new Uint8Array(ct) };
}

/** Opens an AES-GCM ciphertext; `aad` null for values sealed without additional data. Throws when it does not authenticate. */
export async function aesGcmOpen(
  key: CryptoKey,
  iv: Uint8Array<ArrayBuffer>,
  ciphertext: Uint8Array<ArrayBuffer>,
  aad: string | null,
): Promise<string> {
  const params: SubtleCryptoEncryptAlgorithm =
    aad === null ? { name: "AES-GCM", iv } : { name: "AES-GCM", iv, additionalData: encoder.encode(aad) };
  return new TextDecoder().decode(await crypto.subtle.decrypt(params, key, ciphertext));
}
