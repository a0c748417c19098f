import { SalesforceError } from "./errors";
import { fetchWithTimeout, withTransientRetry } from "./http";
import { isTokenSafeUrl } from "./urls";

/** The fields of Salesforce's token response we use (it has no expires_in). */
export type TokenResponse = {
  accessToken: string;
  refreshToken: string | null;
  instanceUrl: string;
  identityUrl: string | null;
};

/** The token endpoint said no: `{"error": "invalid_grant", "error_description": "..."}`. */
export class TokenEndpointError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`Salesforce's token endpoint answered ${status} ${error}: ${description}`);
    this.name = "TokenEndpointError";
  }
}

const PRODUCTION_LOGIN_URL = "https://login.salesforce.com";

/** The deployment's default login host (`SALESFORCE_LOGIN_URL`), as an origin. */
export function defaultLoginUrl(env: Env): string {
  return new URL(env.SALESFORCE_LOGIN_URL || PRODUCTION_LOGIN_URL).origin;
}

/** A path on a login host (an origin such as https://login.salesforce.com). */
export function loginEndpoint(loginUrl: string, path: string): string {
  return `${loginUrl.replace(/\/+$/, "")}${path}`;
}

/**
 * POSTs a grant to `/services/oauth2/token`. Only a refused-before-processing answer (503, 429) is
 * retried: a code or a rotated refresh token may already be spent when a request times out.
 */
export async function requestToken(env: Env, loginUrl: string, params: Record<string, string>): Promise<TokenResponse> {
  const body = new URLSearchParams({
    ...params,
    client_id: env.SALESFORCE_CLIENT_ID,
    client_secret: env.SALESFORCE_CLIENT_SECRET,
  }).toString();
  const res = await withTransientRetry(
    async () => {
      const r = await fetchWithTimeout(loginEndpoint(loginUrl, "/services/oauth2/token"), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body,
      });
      if (r.status >= 500 || r.status === 429) {
        await r.body?.cancel();
        throw new SalesforceError({
          failureCode: "unknown_error",
          transient: true,
          status: r.status,
          message: `Salesforce's token endpoint answered ${r.status}`,
        });
      }
      return r;
    },
    (err) => err.status === 503 || err.status === 429,
  );
  const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok || !json) {
    const error = typeof json?.error === "string" ? json.error : "invalid_response";
    const description =
      typeof json?.error_description === "string" ? json.error_description.slice(0, 300) : `HTTP ${res.status}`;
    throw new TokenEndpointError(res.status, error, description);
  }
  return parseTokenResponse(json);
}

function parseTokenResponse(json: Record<string, unknown>): TokenResponse {
  const { access_token, refresh_token, instance_url, id } = json;
  if (typeof access_token !== "string" || !access_token)
    throw new TokenEndpointError(200, "invalid_response", "no access_token");
  if (!isTokenSafeUrl(instance_url)) throw new TokenEndpointError(200, "invalid_response", "no usable instance_url");
  return {
    accessToken: access_token,
    refreshToken: typeof refresh_token === "string" && refresh_token ? refresh_token : null,
    instanceUrl: new URL(instance_url).origin,
    identityUrl: isTokenSafeUrl(id) ? id : null,
  };
}
