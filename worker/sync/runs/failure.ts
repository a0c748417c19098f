import { SalesforceError, type SalesforceFailureCode } from "../../salesforce";

export interface RunFailure {
  code: SalesforceFailureCode;
  transient: boolean;
  detail: string;
}

/** Any error, typed into the catalogue's whole-run failure codes (reasons.ts RUN_FAILURES); never carries a secret. */
export function toRunFailure(err: unknown): RunFailure {
  if (err instanceof SalesforceError) {
    return {
      code: err.failureCode,
      transient: err.transient,
      detail: err.sfErrorCode ? `${err.sfErrorCode}: ${err.message}` : err.message,
    };
  }
  // D1 hiccups and other infrastructure errors: worth another delivery before giving up.
  return { code: "unknown_error", transient: true, detail: err instanceof Error ? err.message : String(err) };
}

/** Queue retry delay: exponential from the configured base (0 in tests), capped at 5 minutes. */
export function retryDelaySeconds(env: { QUEUE_RETRY_BASE_SECONDS?: string }, attempts: number): number {
  const base = Number(env.QUEUE_RETRY_BASE_SECONDS ?? "5");
  return Math.min(300, Math.max(0, base) * 2 ** Math.max(0, attempts - 1));
}

/** Deliveries of one message before its run is failed rather than retried (the queue allows 5). */
export const MAX_ATTEMPTS = 4;
