import { signal } from "@preact/signals";

/** One offending field of a 400, as the API names it (`fieldMappings.contact.0.salesforceField`). */
export interface FieldIssue {
  field: string;
  message: string;
}

/** An API answer that was not 2xx, with the contract's `{error: {code, message, details}}` body when present. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

function issuesOf(details: unknown): FieldIssue[] {
  const list: unknown = (details as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(list)) return [];
  return list
    .filter((i): i is FieldIssue => typeof i?.field === "string" && typeof i?.message === "string")
    .map((i) => ({ field: i.field, message: i.message }));
}

/** Set once the session cookie stops working; the app then shows the "session expired" screen. */
export const sessionExpired = signal(false);

let csrfToken = "";
export function setCsrfToken(token: string) {
  csrfToken = token;
}

type Query = Record<string, string | number | null | undefined>;

/** Builds `/api/v1/...?a=b`, leaving out empty parameters so the server sees only real filters. */
export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== null && v !== undefined && v !== "") params.set(k, String(v));
  }
  const qs = params.toString();
  return `/api/v1${path}${qs ? `?${qs}` : ""}`;
}

interface Options {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

export async function api<T>(path: string, opts: Options = {}): Promise<T> {
  const method = opts.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json" };
  // The server rejects a cookie-authenticated mutation without the session's CSRF token.
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken;
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(apiUrl(path, opts.query), {
    method,
    headers,
    credentials: "same-origin",
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: opts.signal,
  });
  const data: any = await res.json().catch(() => null);
  if (!res.ok) {
    if (res.status === 401) sessionExpired.value = true;
    const err = data?.error;
    throw new ApiError(
      res.status,
      err?.code ?? "http_error",
      err?.message ?? `Request failed (${res.status})`,
      issuesOf(err?.details),
    );
  }
  return data as T;
}

/** Aborts are how a newer request replaces an older one; they are not errors to show. */
export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === "AbortError";
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return "Conversion could not be reached. Check your connection and try again.";
}
