// Authorization codes, access tokens and refresh tokens. Access tokens expire after a TTL (Salesforce
// ties them to the session timeout); refresh tokens rotate: each refresh invalidates the one used.
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomString(length: number, alphabet = ALPHABET): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  scope: string;
  challenge?: string;
  expiresAt: number;
}

interface RefreshGrant {
  clientId: string;
  scope: string;
  revoked: boolean;
}

interface AccessGrant {
  expiresAt: number;
  refresh?: string;
}

export interface TokenStore {
  newCode(grant: CodeGrant): string;
  /** A code works once; a second exchange fails like an expired one. */
  takeCode(code: string): CodeGrant | undefined;
  issue(clientId: string, scope: string, withRefresh: boolean, now: number): { access: string; refresh?: string };
  refreshGrant(token: string): RefreshGrant | undefined;
  /** The refresh flow: a new access token and a rotated refresh token; the old refresh token stops working. */
  refreshAccess(token: string, now: number): { access: string; refresh: string };
  isValidAccess(token: string, now: number): boolean;
  revoke(token: string): boolean;
  expireAllAccess(): void;
  revokeAllRefresh(): void;
  counts(now: number): { accessTokens: number; refreshTokens: number };
}

export function createTokenStore(orgId: string, accessTtlMs: number): TokenStore {
  const codes = new Map<string, CodeGrant>();
  const refresh = new Map<string, RefreshGrant>();
  const access = new Map<string, AccessGrant>();
  const org15 = orgId.slice(0, 15);
  const newAccess = (now: number, refreshToken?: string) => {
    // Long benchmark runs refresh often; forget expired tokens now and then.
    if (access.size > 5000) for (const [t, g] of access) if (g.expiresAt <= now) access.delete(t);
    const token = `${org15}!${randomString(96, ALPHABET + "._")}`;
    access.set(token, { expiresAt: now + accessTtlMs, refresh: refreshToken });
    return token;
  };
  return {
    newCode(grant) {
      const code = `aPrx${randomString(64, ALPHABET + "._")}==`;
      codes.set(code, grant);
      return code;
    },
    takeCode(code) {
      const g = codes.get(code);
      codes.delete(code);
      return g;
    },
    issue(clientId, scope, withRefresh, now) {
      const refreshToken = withRefresh ? `5Aep861${randomString(80, ALPHABET + "._")}` : undefined;
      if (refreshToken) refresh.set(refreshToken, { clientId, scope, revoked: false });
      return { access: newAccess(now, refreshToken), refresh: refreshToken };
    },
    refreshGrant: (token) => refresh.get(token),
    refreshAccess(token, now) {
      const g = refresh.get(token)!;
      refresh.delete(token);
      const next = `5Aep861${randomString(80, ALPHABET + "._")}`;
      refresh.set(next, g);
      // Access tokens issued from the old refresh token keep working until they expire.
      for (const a of access.values()) if (a.refresh === token) a.refresh = next;
      return { access: newAccess(now, next), refresh: next };
    },
    isValidAccess(token, now) {
      const g = access.get(token);
      return !!g && g.expiresAt > now;
    },
    revoke(token) {
      if (access.delete(token)) return true;
      if (!refresh.has(token)) return false;
      // Revoking a refresh token ends the access tokens issued from it, as in Salesforce.
      refresh.delete(token);
      for (const [t, g] of access) if (g.refresh === token) access.delete(t);
      return true;
    },
    expireAllAccess() {
      for (const g of access.values()) g.expiresAt = 0;
    },
    revokeAllRefresh() {
      for (const g of refresh.values()) g.revoked = true;
    },
    counts(now) {
      let live = 0;
      for (const g of access.values()) if (g.expiresAt > now) live++;
      let liveRefresh = 0;
      for (const g of refresh.values()) if (!g.revoked) liveRefresh++;
      return { accessTokens: live, refreshTokens: liveRefresh };
    },
  };
}
