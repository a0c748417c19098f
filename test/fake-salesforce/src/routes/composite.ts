// POST /composite: a series of REST subrequests in one call, answered together; the whole series
// counts as one call toward the API limit (Salesforce's "Send Multiple Requests Using Composite").
// Subrequests run in order (as with collateSubrequests false) through the same routes as direct
// calls; `@{referenceId.path}` in a later subrequest's url or body reads an earlier one's answer.
// Not supported: allOrNone true (rolling back earlier subrequests), subrequest httpHeaders.

import type { CallEntry } from "../calls";
import { ApiError, errorResponse, json, methodNotAllowed, readJson } from "../http";
import type { ApiContext } from "./context";

/** Salesforce's limits: 25 subrequests, of which at most 5 query operations. */
const MAX_SUBREQUESTS = 25;
const MAX_QUERIES = 5;

interface Subrequest {
  method: string;
  url: string;
  referenceId: string;
  body?: unknown;
}

export interface SubResult {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

export type Dispatch = (ctx: ApiContext) => Promise<Response>;

const REFERENCE = /@\{([A-Za-z0-9][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g;

function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const step of path.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
    if (current === null || typeof current !== "object") return undefined;
    const key = step.startsWith("[") ? Number(step.slice(1, -1)) : step.slice(1);
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

class Unresolved extends Error {}

/** Replaces every reference in a string; an unknown or failed reference makes the subrequest unrunnable. */
function resolveText(text: string, done: Map<string, SubResult>): string {
  // A reference inside a percent-encoded query string is still a reference.
  const plain = text.replace(/%40%7B(.*?)%7D/gi, (_m, inner: string) => `@{${decodeURIComponent(inner)}}`);
  return plain.replace(REFERENCE, (whole, ref: string, path: string) => {
    const earlier = done.get(ref);
    const value = earlier && earlier.httpStatusCode < 300 ? readPath(earlier.body, path) : undefined;
    if (value === undefined || value === null || typeof value === "object") throw new Unresolved(whole);
    return String(value);
  });
}

function resolveBody(body: unknown, done: Map<string, SubResult>): unknown {
  if (typeof body === "string") return resolveText(body, done);
  if (Array.isArray(body)) return body.map((b) => resolveBody(b, done));
  if (body && typeof body === "object")
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, resolveBody(v, done)]));
  return body;
}

function readSubrequests(raw: unknown): Subrequest[] {
  const list = (raw as { compositeRequest?: unknown } | null)?.compositeRequest;
  if (!Array.isArray(list) || list.length === 0)
    throw new ApiError(400, "JSON_PARSER_ERROR", "compositeRequest is required and must not be empty");
  if (list.length > MAX_SUBREQUESTS)
    throw new ApiError(400, "LIMIT_EXCEEDED", `A composite request can have at most ${MAX_SUBREQUESTS} subrequests`);
  const subs = list.map((s: Record<string, unknown>) => {
    if (typeof s?.method !== "string" || typeof s.url !== "string" || typeof s.referenceId !== "string")
      throw new ApiError(400, "JSON_PARSER_ERROR", "Each subrequest needs method, url and referenceId");
    return { method: s.method.toUpperCase(), url: s.url, referenceId: s.referenceId, body: s.body };
  });
  if (subs.filter((s) => /\/query(All)?[/?]/.test(s.url)).length > MAX_QUERIES)
    throw new ApiError(400, "LIMIT_EXCEEDED", `A composite request can have at most ${MAX_QUERIES} query subrequests`);
  return subs;
}

async function runOne(ctx: ApiContext, dispatch: Dispatch, sub: Subrequest, log: CallEntry): Promise<Response> {
  const url = new URL(sub.url, ctx.url.origin);
  const parts = url.pathname.split("/").slice(3);
  if (parts[0] !== `v${ctx.version}`)
    throw new ApiError(400, "INVALID_SUBREQUEST", "Subrequests must use the composite request's API version");
  const request = new Request(url, {
    method: sub.method,
    headers: { "content-type": "application/json" },
    body: sub.body === undefined || sub.method === "GET" ? undefined : JSON.stringify(sub.body),
  });
  return dispatch({ ...ctx, request, url, segments: parts.slice(1), log });
}

/** Handles POST /composite; `dispatch` is the data API's router, used for each subrequest. */
export async function compositeRoute(ctx: ApiContext, dispatch: Dispatch, subLogs: CallEntry[]): Promise<Response> {
  if (ctx.request.method !== "POST") throw methodNotAllowed(ctx.request.method, ["POST"]);
  const raw = (await readJson(ctx.request)) as { allOrNone?: unknown };
  if (raw?.allOrNone === true)
    throw new ApiError(400, "NOT_SUPPORTED", "The fake org does not roll back composite requests (allOrNone true)");
  const subs = readSubrequests(raw);
  ctx.log.kind = "composite";
  const done = new Map<string, SubResult>();
  const answers: SubResult[] = [];
  for (const sub of subs) {
    const log: CallEntry = {
      method: sub.method,
      path: sub.url,
      kind: "subrequest",
      status: 0,
      at: ctx.log.at,
      via: "composite",
    };
    let response: Response;
    try {
      const resolved = { ...sub, url: resolveText(sub.url, done), body: resolveBody(sub.body, done) };
      response = await runOne(ctx, dispatch, resolved, log);
    } catch (e) {
      if (e instanceof Unresolved) {
        response = errorResponse(400, [
          { errorCode: "PROCESSING_HALTED", message: `Invalid reference specification - no value for ${e.message}` },
        ]);
      } else if (e instanceof ApiError) response = errorResponse(e.status, e.errors);
      else throw e;
    }
    log.status = response.status;
    subLogs.push(log);
    const text = await response.text();
    const location = response.headers.get("location");
    const answer: SubResult = {
      body: text ? JSON.parse(text) : null,
      httpHeaders: location ? { Location: location } : {},
      httpStatusCode: response.status,
      referenceId: sub.referenceId,
    };
    done.set(sub.referenceId, answer);
    answers.push(answer);
  }
  ctx.log.records = subs.length;
  return json({ compositeResponse: answers });
}
