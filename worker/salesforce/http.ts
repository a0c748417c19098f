import { SalesforceError } from "./errors";

export const REQUEST_TIMEOUT_MS = 30_000;
const RETRIES = 2;
const BASE_DELAY_MS = 250;

/**
 * One fetch with a timeout that covers its answer's body too. A timeout or network failure becomes a
 * transient SalesforceError whose message names only the host, so no query string (which may hold a
 * token on revoke) reaches a log.
 *
 * Not `AbortSignal.timeout`: workerd keeps the invocation alive until that timer fires
 * (cloudflare/workerd#4936), so every Salesforce call held its queue invocation 30 s past its answer
 * (and Miniflare delivered no other message of the queue meanwhile). Our own timer is cleared as soon
 * as the body has been read or cancelled.
 */
export async function fetchWithTimeout(
  url: string,
  init: RequestInit,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException("timed out", "TimeoutError")), timeoutMs);
  try {
    const res = await fetch(url, { ...init, signal: controller.signal });
    if (!res.body) {
      clearTimeout(timer);
      return res;
    }
    const { readable, writable } = new IdentityTransformStream();
    res.body
      .pipeTo(writable)
      .catch(() => undefined)
      .finally(() => clearTimeout(timer));
    return new Response(readable, res);
  } catch (err) {
    clearTimeout(timer);
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    const host = safeHost(url);
    return Promise.reject(
      new SalesforceError({
        failureCode: "unknown_error",
        transient: true,
        message: timedOut
          ? `Salesforce did not answer within ${timeoutMs / 1000} s (${host})`
          : `Could not reach Salesforce (${host})`,
      }),
    );
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "invalid URL";
  }
}

/** Exponential backoff with full jitter: 0–250 ms, then 0–500 ms, ... */
export function backoffMs(attempt: number, base = BASE_DELAY_MS): number {
  return Math.round(Math.random() * base * 2 ** attempt);
}

/**
 * Runs `attempt` again while it throws a transient SalesforceError that `mayRetry` accepts, at most
 * RETRIES more times, then lets the last error through.
 */
export async function withTransientRetry<T>(
  attempt: () => Promise<T>,
  mayRetry: (err: SalesforceError) => boolean = () => true,
  retries = RETRIES,
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof SalesforceError) || !err.transient || i >= retries || !mayRetry(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, backoffMs(i)));
    }
  }
}
