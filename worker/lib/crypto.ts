// WebCrypto helpers shared by auth, sessions, OAuth state and token storage.

const encoder = new TextEncoder();

export function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
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

export function newId(prefix: string): string {
  return `${prefix}_${randomToken(12)}`;
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

async function aesKey(keyMaterial: string): Promise<CryptoKey> {
  // TOKEN_ENCRYPTION_KEY is 32 random bytes in base64; any other text is stretched with SHA-256.
  let raw: Uint8Array<ArrayBuffer>;
  try {
    raw = Uint8Array.from(atob(keyMaterial), (c) => c.charCodeAt(0));
  } catch {
    raw = new Uint8Array(0);
  }
  if (raw.length !== 32) raw = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(keyMaterial)));
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/** AES-GCM with a fresh 96-bit IV per value; output is `v1.<iv>.<ciphertext>` in base64url. */
export async function encryptSecret(keyMaterial: string, plain: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await aesKey(keyMaterial), encoder.encode(plain));
  return `v1.${base64url(iv)}.${base64url(new Uint8Array(ct))}`;
}

export async function decryptSecret(keyMaterial: string, sealed: string): Promise<string> {
  const [version, iv, ct] = sealed.split(".");
  if (version !== "v1" || !iv || !ct) throw new Error("unreadable sealed secret");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64url(iv) },
    await aesKey(keyMaterial),
    fromBase64url(ct),
  );
  return new TextDecoder().decode(plain);
}
