import { fetchWithTimeout } from "./http";

const IDENTITY_TIMEOUT_MS = 10_000;

/** Org and user ids from the identity URL's path: `.../id/<orgId>/<userId>`. */
export function parseIdentityUrl(identityUrl: string | null): { orgId: string | null; userId: string | null } {
  const m = identityUrl
    ? /\/id\/([A-Za-z0-9]{15,18})\/([A-Za-z0-9]{15,18})\/?$/.exec(new URL(identityUrl).pathname)
    : null;
  return { orgId: m?.[1] ?? null, userId: m?.[2] ?? null };
}

/** The connected user's username, or null when the identity service does not answer (scope, outage). */
export async function fetchUsername(identityUrl: string | null, accessToken: string): Promise<string | null> {
  if (!identityUrl) return null;
  try {
    const res = await fetchWithTimeout(
      identityUrl,
      { headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" } },
      IDENTITY_TIMEOUT_MS,
    );
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    const body = (await res.json()) as { username?: unknown };
    return typeof body.username === "string" ? body.username.slice(0, 255) : null;
  } catch {
    return null;
  }
}
