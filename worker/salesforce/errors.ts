/** The catalogue's whole-run failure codes (worker/sync/reasons.ts): what a failed run tells the admin to do. */
export type SalesforceFailureCode =
  | "authentication_failure"
  | "insufficient_permissions"
  | "api_limit_exceeded"
  | "unknown_error";

/**
 * A Salesforce call that failed as a whole. `transient` errors (5xx, timeouts, network, row locks)
 * were already retried in-call; the caller may retry later. The message never carries a token.
 */
export class SalesforceError extends Error {
  readonly failureCode: SalesforceFailureCode;
  readonly transient: boolean;
  readonly status: number;
  readonly sfErrorCode?: string;

  constructor(opts: {
    failureCode: SalesforceFailureCode;
    message: string;
    status?: number;
    transient?: boolean;
    sfErrorCode?: string;
  }) {
    super(opts.message);
    this.name = "SalesforceError";
    this.failureCode = opts.failureCode;
    this.transient = opts.transient ?? false;
    this.status = opts.status ?? 0;
    this.sfErrorCode = opts.sfErrorCode;
  }
}

export function authenticationFailure(message: string, status = 401, sfErrorCode?: string) {
  return new SalesforceError({ failureCode: "authentication_failure", message, status, sfErrorCode });
}

// INVALID_FIELD is how Salesforce answers a field hidden by field-level security ("No such column"),
// so it needs the same fix as an unreadable object: the integration user's permission set.
const PERMISSION_CODES = new Set(["INVALID_TYPE", "INVALID_FIELD", "API_CURRENTLY_DISABLED", "API_DISABLED_FOR_ORG"]);
// QUERY_TIMEOUT is not among them: the same query would time out again; inbound reads halve their slice.
const TRANSIENT_CODES = new Set(["UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE"]);

export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 420;
}

/** Types an error answer from the REST API (not the OAuth endpoints) into a failure code. */
export function classifyApiError(status: number, sfErrorCode: string | undefined, message: string): SalesforceError {
  const code = sfErrorCode ?? "";
  const base = { status, sfErrorCode, message };
  // The same code answers too many concurrent long-running requests: that passes in seconds, so try again.
  if (code === "REQUEST_LIMIT_EXCEEDED")
    return new SalesforceError({ ...base, failureCode: "api_limit_exceeded", transient: /Concurrent/i.test(message) });
  if (status === 401 || code === "INVALID_SESSION_ID")
    return new SalesforceError({ ...base, failureCode: "authentication_failure" });
  if (code.startsWith("INSUFFICIENT_ACCESS") || PERMISSION_CODES.has(code) || status === 403) {
    return new SalesforceError({ ...base, failureCode: "insufficient_permissions" });
  }
  const transient = isTransientStatus(status) || TRANSIENT_CODES.has(code);
  return new SalesforceError({ ...base, failureCode: "unknown_error", transient });
}

/** Reads Salesforce's `[{message, errorCode}]` error body (or anything else) without throwing. */
export async function readApiError(res: Response): Promise<SalesforceError> {
  const text = await res.text().catch(() => "");
  let first: { errorCode?: unknown; message?: unknown } | undefined;
  try {
    const parsed = JSON.parse(text);
    first = Array.isArray(parsed) ? parsed[0] : parsed;
  } catch {
    first = undefined;
  }
  const sfErrorCode = typeof first?.errorCode === "string" ? first.errorCode : undefined;
  const detail = typeof first?.message === "string" ? first.message : `HTTP ${res.status}`;
  return classifyApiError(
    res.status,
    sfErrorCode,
    `Salesforce answered ${res.status}${sfErrorCode ? ` ${sfErrorCode}` : ""}: ${detail.slice(0, 500)}`,
  );
}
