import { defaultLoginUrl } from "./token-endpoint";

// Where an org authorizes, refreshes and revokes. Production orgs use the deployment's default
// (`SALESFORCE_LOGIN_URL`, login.salesforce.com), sandboxes test.salesforce.com, and orgs that allow
// login only through their My Domain use https://<name>.my.salesforce.com (sandbox and partitioned
// forms: <name>--<sandbox>.sandbox.my.salesforce.com, <name>.develop.my.salesforce.com, …). The
// chosen host is stored on the OAuth state and then on the connection.

export type LoginEnvironment = "production" | "sandbox" | "custom";

const SANDBOX_LOGIN_URL = "https://test.salesforce.com";
const MY_DOMAIN =
  /^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?(?:\.(?:sandbox|develop|scratch|demo|patch|trailblaze|free))?\.my\.salesforce\.com$/i;

/** A My Domain that is not one: `field` names the request field, the message says what is expected. */
export class LoginHostError extends Error {
  readonly field = "myDomain";
}

function extraOrigins(env: Env): string[] {
  const raw = env.SALESFORCE_EXTRA_LOGIN_ORIGINS ?? "";
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (URL.canParse(s) ? new URL(s).origin : s));
}

/**
 * A My Domain login URL as an origin, or LoginHostError: https, a Salesforce My Domain host, no path,
 * port, credentials, query or fragment. `SALESFORCE_EXTRA_LOGIN_ORIGINS` (local development and tests
 * only; unset in wrangler.toml) lets listed origins through, such as the fake org's.
 */
export function myDomainOrigin(env: Env, value: string): string {
  const expected = "must be your org's My Domain login URL, such as https://yourcompany.my.salesforce.com";
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new LoginHostError(expected);
  }
  if (extraOrigins(env).includes(url.origin) && (url.pathname === "/" || url.pathname === "")) return url.origin;
  const clean = !url.username && !url.password && !url.port && !url.search && !url.hash && url.pathname === "/";
  if (url.protocol !== "https:" || !clean || !MY_DOMAIN.test(url.hostname)) throw new LoginHostError(expected);
  return url.origin;
}

/** The login host for a new connection: production (the deployment's default), sandbox, or a My Domain. */
export function chooseLoginUrl(
  env: Env,
  choice: { environment?: LoginEnvironment; myDomain?: string },
): { environment: LoginEnvironment; loginUrl: string } {
  const environment = choice.environment ?? (choice.myDomain ? "custom" : "production");
  if (environment === "custom") {
    if (!choice.myDomain) throw new LoginHostError("is required when environment is custom");
    return { environment, loginUrl: myDomainOrigin(env, choice.myDomain) };
  }
  if (choice.myDomain !== undefined) {
    throw new LoginHostError(`is only for environment custom (this request asked for ${environment})`);
  }
  if (environment === "sandbox") return { environment, loginUrl: sandboxLoginUrl(env) };
  return { environment, loginUrl: defaultLoginUrl(env) };
}

/** test.salesforce.com, or `SALESFORCE_SANDBOX_LOGIN_URL` where local development points it at the fake org. */
export function sandboxLoginUrl(env: Env): string {
  return new URL(env.SALESFORCE_SANDBOX_LOGIN_URL || SANDBOX_LOGIN_URL).origin;
}

/** Which environment a stored login host is, for the page. */
export function environmentOf(env: Env, loginUrl: string | null): LoginEnvironment {
  if (!loginUrl || loginUrl === defaultLoginUrl(env)) return "production";
  if (loginUrl === sandboxLoginUrl(env)) return "sandbox";
  return "custom";
}
