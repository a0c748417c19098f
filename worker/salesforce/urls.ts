import { SalesforceError } from "./errors";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * True for a URL we may send a token to: https, or plain http on loopback (the local fake org).
 * Guards what Salesforce's token response names, so a bad value cannot route tokens elsewhere.
 */
export function isTokenSafeUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    if (url.username || url.password) return false;
    return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname));
  } catch {
    return false;
  }
}

/** The origin of a validated instance URL, without a trailing slash or path. */
export function instanceOrigin(instanceUrl: string): string {
  return new URL(instanceUrl).origin;
}

/**
 * Joins an API path (or an absolute URL Salesforce handed back, such as nextRecordsUrl) to the
 * instance. An absolute URL on another origin is refused: the bearer token must stay on the instance.
 */
export function resolveOnInstance(instanceUrl: string, pathOrUrl: string): string {
  const origin = instanceOrigin(instanceUrl);
  const url = new URL(pathOrUrl, origin);
  if (url.origin !== origin) {
    throw new SalesforceError({
      failureCode: "unknown_error",
      message: "Salesforce returned a URL outside the org's instance",
    });
  }
  return url.toString();
}

/** SObject API names: letters, digits and underscores (custom ones end in __c); keeps paths unforgeable. */
export function assertSObjectName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,79}$/.test(name)) {
    throw new SalesforceError({
      failureCode: "unknown_error",
      message: `Not a Salesforce object name: ${name.slice(0, 80)}`,
    });
  }
  return name;
}
