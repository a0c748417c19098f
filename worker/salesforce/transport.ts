import type { Db } from "../db";
import { authenticationFailure, readApiError, SalesforceError } from "./errors";
import { fetchWithTimeout, withTransientRetry } from "./http";
import { refreshSession } from "./refresh";
import type { Session } from "./store";
import { resolveOnInstance } from "./urls";
import { type OrgUsage, parseLimitInfo, writeUsage } from "./usage";

export type RequestOptions = {
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Whether a timeout or 5xx may be retried. False for creates: Salesforce may have committed the
   * records before the answer was lost, and a retry would create them twice.
   */
  idempotent?: boolean;
};

/** Authenticated JSON calls to the org's instance, with counting, retries and one refresh on 401. */
export type Transport = ReturnType<typeof createTransport>;

// Answers that mean Salesforce refused the request before doing anything: safe to send again.
const REFUSED_STATUSES = new Set([503, 429, 420]);

export function createTransport(env: Env, db: Db, session: Session) {
  let calls = 0;
  let unflushedCalls = 0;
  let lastUsage: OrgUsage | null = null;
  let refreshing: Promise<void> | null = null;

  async function attempt(method: string, url: string, opts: RequestOptions, token: string): Promise<Response> {
    const res = await fetchWithTimeout(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        ...(opts.body === undefined ? {} : { "content-type": "application/json" }),
        ...opts.headers,
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    calls++;
    unflushedCalls++;
    lastUsage = parseLimitInfo(res.headers.get("sforce-limit-info")) ?? lastUsage;
    if (!res.ok) throw await readApiError(res);
    return res;
  }

  function sendWithRetries(method: string, path: string, opts: RequestOptions): Promise<Response> {
    const token = session.accessToken;
    const url = resolveOnInstance(session.instanceUrl, path);
    const mayRetry = (err: SalesforceError) =>
      opts.idempotent !== false || REFUSED_STATUSES.has(err.status) || err.sfErrorCode === "UNABLE_TO_LOCK_ROW";
    return withTransientRetry(() => attempt(method, url, opts, token), mayRetry);
  }

  async function refreshOnce(tokenThatFailed: string): Promise<void> {
    // Another call of this client may already have refreshed while ours was in flight.
    if (session.accessToken !== tokenThatFailed) return;
    refreshing ??= refreshSession(env, db, session).finally(() => {
      refreshing = null;
    });
    await refreshing;
  }

  async function request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const token = session.accessToken;
    try {
      return await sendWithRetries(method, path, opts);
    } catch (err) {
      if (!(err instanceof SalesforceError) || err.status !== 401) throw err;
    }
    await refreshOnce(token);
    try {
      return await sendWithRetries(method, path, opts);
    } catch (err) {
      if (err instanceof SalesforceError && err.status === 401) {
        throw authenticationFailure(
          "Salesforce rejected the session again right after a refresh",
          401,
          err.sfErrorCode,
        );
      }
      throw err;
    }
  }

  async function requestJson<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await request(method, path, opts);
    if (res.status === 204) return undefined as T;
    try {
      return (await res.json()) as T;
    } catch {
      // A body cut short (the connection dropped mid-answer) says nothing about whether a write
      // happened: transient, so the caller tries again the way it does after a lost answer.
      throw new SalesforceError({
        failureCode: "unknown_error",
        transient: true,
        status: res.status,
        message: "Salesforce's answer could not be read (not JSON, or cut short)",
      });
    }
  }

  return {
    requestJson,
    /** The answer itself, for bodies that are not JSON (Bulk API results are CSV); errors are thrown as for JSON. */
    request,
    get instanceUrl() {
      return session.instanceUrl;
    },
    get calls() {
      return calls;
    },
    noteUsage(usage: OrgUsage) {
      lastUsage = usage;
    },
    async flushUsage(): Promise<void> {
      const pending = unflushedCalls;
      const usage = lastUsage;
      await writeUsage(db, session.workspaceId, pending, usage);
      unflushedCalls -= pending;
      if (lastUsage === usage) lastUsage = null;
    },
  };
}
