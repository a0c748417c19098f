// The gate in front of every /services/data/vNN.0 call, in the order Salesforce applies things:
// injected outages, then the session, then the daily limit; each admitted call counts toward
// the daily usage, and every answer carries Sforce-Limit-Info.

import { applyFaults } from "./admin";
import type { CallEntry } from "./calls";
import { dueFaults } from "./faults";
import { ApiError, errorResponse, notFound } from "./http";
import { sleep } from "./latency";
import { bearer } from "./oauth";
import { purgeExpired } from "./recycle-bin";
import { collectionsRoute } from "./routes/collections";
import { compositeRoute } from "./routes/composite";
import type { ApiContext } from "./routes/context";
import { jobsRoute } from "./routes/jobs";
import { limitsRoute, resourcesRoute } from "./routes/meta";
import { queryRoute } from "./routes/query";
import { sobjectRoute } from "./routes/sobject";
import type { Org } from "./state";
import { parseVersion, versionsResponse } from "./versions";
import { loseAnswer } from "./write-faults";

async function dispatch(ctx: ApiContext, subLogs: CallEntry[] = []): Promise<Response> {
  const [first, second] = ctx.segments;
  switch (first) {
    case undefined:
    case "":
      ctx.log.kind = "resources";
      return resourcesRoute(ctx);
    case "query":
    case "queryAll":
      return queryRoute(ctx);
    case "limits":
      ctx.log.kind = "limits";
      return limitsRoute(ctx);
    case "jobs":
      return jobsRoute(ctx);
    case "sobjects":
      return sobjectRoute(ctx);
    case "composite":
      if (second === "sobjects") return collectionsRoute(ctx);
      if (second === undefined) return compositeRoute(ctx, (sub) => dispatch(sub), subLogs);
  }
  throw notFound();
}

// The kind logged before a route refines it, so refused calls are still recognisable.
function kindOf(segments: string[]): string {
  const [first, second] = segments;
  if (first === "query" || first === "queryAll") return second ? "queryMore" : first;
  if (first === "composite") return "collections";
  if (first === "sobjects") return "sobject";
  if (first === "jobs") return "bulk";
  return first ? first : "resources";
}

function gate(org: Org, request: Request): Response | null {
  const f = org.faults;
  purgeExpired(org);
  if (f.armed.length) for (const body of dueFaults(f)) applyFaults(org, body);
  if (f.http503 > 0) {
    f.http503--;
    return errorResponse(503, [
      { message: "Server temporarily unavailable. Please try again later.", errorCode: "SERVER_UNAVAILABLE" },
    ]);
  }
  if (f.http500 > 0) {
    f.http500--;
    return errorResponse(500, [
      {
        message:
          "An unexpected error occurred. Please include this ErrorId if you contact support: 1837294710-41822 (-1284929184)",
        errorCode: "UNKNOWN_EXCEPTION",
      },
    ]);
  }
  const token = bearer(request);
  if (!token || !org.tokens.isValidAccess(token, org.clock.now())) {
    return errorResponse(401, [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }]);
  }
  if (f.latencyModel && f.latencyModel.longRunningLimit <= org.inFlight.longRunning(f.latencyModel)) {
    // Concurrent API request limit: too many requests have been running for 20 s or longer.
    return errorResponse(403, [
      { message: "ConcurrentRequests (Concurrent API Requests) Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" },
    ]);
  }
  if (f.limitReached || org.usage.used >= org.config.dailyLimit) {
    return errorResponse(403, [{ message: "TotalRequests Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }]);
  }
  org.usage.add();
  return null;
}

/** Handles /services/data and everything below it. */
export async function handleApi(org: Org, request: Request, url: URL): Promise<Response> {
  const parts = url.pathname.split("/").slice(3);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "")) return versionsResponse();
  const log: CallEntry = {
    method: request.method,
    path: url.pathname + url.search,
    kind: kindOf(parts.slice(1)),
    status: 0,
    at: new Date(org.clock.now()).toISOString(),
  };
  const version = parseVersion(parts[0]);
  let response: Response;
  const subLogs: CallEntry[] = [];
  // In flight from here until the answer is sent (a streamed answer: until its stream ends).
  const release = org.inFlight.enter(null)!;
  let held = false;
  const ctx = {
    org,
    request,
    url,
    version: version ?? "",
    segments: parts.slice(1),
    log,
    cost: org.faults.latencyModel?.callMs ?? 0,
    holdRelease: () => {
      held = true;
      return release;
    },
  };
  try {
    if (!version) throw notFound();
    response = gate(org, request) ?? (await dispatch(ctx, subLogs));
  } catch (e) {
    if (e instanceof ApiError) response = errorResponse(e.status, e.errors);
    else {
      console.error("fake-salesforce: unexpected error", e);
      response = errorResponse(500, [
        { message: `An unexpected error occurred: ${(e as Error).message}`, errorCode: "UNKNOWN_EXCEPTION" },
      ]);
    }
  }
  // A refusal may come before the request's body was read (an unknown resource, a gate). The body is read
  // to its end anyway: left unread, the kept-alive connection it came on is dropped, and the client's next
  // request on it fails with "Network connection lost" (seen after a POST to a disabled Bulk API).
  if (request.body && !request.bodyUsed) await request.arrayBuffer().catch(() => undefined);
  if (org.faults.loseAnswers) {
    const body = await response.clone().text();
    response = loseAnswer(org.faults, request, response, body, [log, ...subLogs]) ?? response;
  }
  response.headers.set("Sforce-Limit-Info", `api-usage=${org.usage.used}/${org.config.dailyLimit}`);
  log.status = response.status;
  org.calls.add(log);
  for (const sub of subLogs) org.calls.add(sub);
  await sleep(ctx.cost);
  if (!held) release();
  return response;
}
