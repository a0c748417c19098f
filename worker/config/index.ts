// The deployment's configuration, read and checked where it is used. A missing or malformed value is
// never papered over with a default that weakens security: it throws ConfigError, which the HTTP app
// answers as 500 `server_misconfigured` naming the variable, and the sync records as a run failure.

/** A variable the operator must set (or fix); `variable` names it, the message says what it must be. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

type Vars = Partial<Record<string, unknown>>;

function read(env: Env, name: string): string | undefined {
  const value = (env as unknown as Vars)[name];
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * `PUBLIC_URL`: the origin people reach this deployment at, used for launch links, the OAuth redirect
 * URI, the cookie's Secure flag and the launch exchange's Origin check. Never the request's Host
 * header, which a client chooses. https, or http on loopback for local development and tests.
 */
export function publicOrigin(env: Env): string {
  const raw = read(env, "PUBLIC_URL");
  const fix = "set it to the origin people open this deployment at, such as https://sync.example.com";
  if (!raw) throw new ConfigError("PUBLIC_URL", `PUBLIC_URL is not set; ${fix}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError("PUBLIC_URL", `PUBLIC_URL is not a URL; ${fix}`);
  }
  const httpsOrLocal = url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname));
  if (!httpsOrLocal || url.username || url.password || url.search || url.hash || url.pathname !== "/") {
    throw new ConfigError("PUBLIC_URL", `PUBLIC_URL must be an https origin without a path; ${fix}`);
  }
  return url.origin;
}

/** A URL on this deployment's public origin. */
export function publicUrl(env: Env, path: string): string {
  return new URL(path, publicOrigin(env)).toString();
}

function minutes(env: Env, name: string, fallback: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new ConfigError(name, `${name} must be a whole number of minutes from 1 to ${max}`);
  }
  return n;
}

/** Page session lifetimes: 12 hours absolute and 2 hours idle unless configured. */
export function sessionTimeouts(env: Env): { absoluteMs: number; idleMs: number } {
  const absolute = minutes(env, "SESSION_MAX_AGE_MINUTES", 12 * 60, 7 * 24 * 60);
  const idle = minutes(env, "SESSION_IDLE_MINUTES", 2 * 60, absolute);
  return { absoluteMs: absolute * 60_000, idleMs: idle * 60_000 };
}

/** A secret the deployment must have (HMAC keys and the like): present and not trivially short. */
export function requiredSecret(env: Env, name: string, minLength = 16): string {
  const value = read(env, name);
  if (!value) throw new ConfigError(name, `${name} is not set; set it as a secret (wrangler secret put ${name})`);
  if (value.length < minLength) throw new ConfigError(name, `${name} must be at least ${minLength} characters`);
  return value;
}

/** Decodes standard or URL-safe base64 strictly; null when the text is not base64. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  try {
    const bin = atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, "="));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * `TOKEN_ENCRYPTION_KEY` (required) and `TOKEN_ENCRYPTION_KEY_PREVIOUS` (optional, for rotation):
 * each exactly 32 bytes in base64. Anything else is refused; there is no passphrase stretching and no
 * built-in key.
 */
export function tokenKeyMaterial(env: Env): {
  current: Uint8Array<ArrayBuffer>;
  previous: Uint8Array<ArrayBuffer> | null;
} {
  const fix = "32 random bytes in base64, e.g. the output of `openssl rand -base64 32`";
  const parse = (name: string, value: string) => {
    const bytes = decodeBase64(value) ?? new Uint8Array(0);
    if (bytes.length !== 32) throw new ConfigError(name, `${name} is malformed: it must be ${fix}`);
    return bytes;
  };
  const current = read(env, "TOKEN_ENCRYPTION_KEY");
  if (!current) throw new ConfigError("TOKEN_ENCRYPTION_KEY", `TOKEN_ENCRYPTION_KEY is not set: it must be ${fix}`);
  const previous = read(env, "TOKEN_ENCRYPTION_KEY_PREVIOUS");
  return {
    current: parse("TOKEN_ENCRYPTION_KEY", current),
    previous: previous ? parse("TOKEN_ENCRYPTION_KEY_PREVIOUS", previous) : null,
  };
}
