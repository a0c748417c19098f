import type { RouteConfig } from "@hono/zod-openapi";
import { LIMITS, type LimitName } from "../../rate-limits";
import { errorResponses, errorSchema } from "../common";

type Response = RouteConfig["responses"][string];
type Responses = Record<string, Response>;

const error = (description: string, extra: Record<string, unknown> = {}): Response =>
  ({ description, content: { "application/json": { schema: errorSchema } }, ...extra }) as Response;

const retryAfter = {
  headers: {
    "Retry-After": {
      description: "Seconds to wait before trying again",
      schema: { type: "integer", minimum: 1 },
    },
  },
};

/** What decides which errors an operation can answer; all of it is in its route definition. */
interface Shape {
  method: string;
  path: string;
  security: string[];
  jsonBody: boolean;
  limits: LimitName[];
}

export function shapeOf(route: RouteConfig, limits: LimitName[]): Shape {
  return {
    method: route.method,
    path: route.path,
    security: (route.security ?? []).flatMap((s) => Object.keys(s)),
    jsonBody: Boolean(route.request?.body?.content?.["application/json"]),
    limits,
  };
}

const mutation = (s: Shape) => s.method !== "get";

/** One cause of an error status: its `code` and when it is answered. */
type Cause = [code: string, when: string];

/**
 * The errors each kind of operation answers, from the app's middleware and validators: a rule here
 * is a status some shared code can produce, so every route that code runs for documents it.
 */
const RULES: { status: string; when: (s: Shape) => boolean; causes: (s: Shape) => Cause[]; extra?: object }[] = [
  {
    status: "400",
    when: () => true,
    causes: () => [
      [
        "invalid_request",
        "bad input. The message and `details.issues[].field` name the offending field, path or query parameter; " +
          "a query parameter the operation does not take is named too.",
      ],
    ],
  },
  {
    status: "401",
    when: (s) => s.security.length > 0,
    causes: (s) => [
      [
        "unauthorized",
        s.security.includes("adminToken")
          ? "missing or wrong admin token."
          : "no credentials, an unknown or revoked API key, or an ended page session.",
      ],
    ],
  },
  {
    status: "403",
    when: (s) => s.security.includes("sessionCookie") && mutation(s),
    causes: () => [["csrf_failed", "a page-session (cookie) request without its session's `X-CSRF-Token` header."]],
  },
  {
    status: "404",
    when: (s) => s.path.includes("{"),
    causes: () => [
      ["not_found", "no such object in this workspace (another workspace's objects are not found either)."],
    ],
  },
  {
    status: "413",
    when: mutation,
    causes: () => [["payload_too_large", "the request body is over 1 MB."]],
  },
  {
    status: "415",
    when: (s) => s.jsonBody,
    causes: () => [
      ["unsupported_media_type", "the body is not sent as `application/json` (the `Content-Type` header)."],
    ],
  },
  {
    status: "429",
    when: (s) => s.limits.length > 0,
    causes: (s) => [
      [
        "rate_limited",
        `too many ${s.limits.map((n) => `${LIMITS[n].what} per ${LIMITS[n].per}`).join(", or ")}; ` +
          "`Retry-After` says how many seconds to wait.",
      ],
    ],
    extra: retryAfter,
  },
  {
    status: "500",
    when: () => true,
    causes: () => [
      ["server_misconfigured", "a variable, secret or binding the operation needs is missing or malformed (named)."],
      ["internal_error", "an unexpected failure on our side."],
    ],
  },
];

const describe = (causes: Cause[]) => causes.map(([code, when]) => `\`${code}\`: ${when}`).join(" ");

const shared = new Set<unknown>(Object.values(errorResponses));

/**
 * The route's responses with the standard errors added. A response the route spreads from
 * `errorResponses` is replaced by the rule's (which knows whether it applies); a response of its own
 * for a status a rule also gives is kept, the rule's description appended, so both causes are named.
 */
export function withStandardResponses(route: RouteConfig, limits: LimitName[]): Responses {
  const own = Object.fromEntries(Object.entries(route.responses).filter(([, r]) => !shared.has(r))) as Responses;
  // A 401 of the route's own (a launch link, the OAuth callback) also counts against failed authentications.
  const counted: LimitName[] = own["401"] || (route.security ?? []).length ? ["failed_auth", ...limits] : limits;
  const shape = shapeOf(route, counted);
  const out: Responses = { ...own };
  for (const rule of RULES) {
    if (!rule.when(shape)) continue;
    const mine = own[rule.status] as { description: string; headers?: object } | undefined;
    // Causes the route's own description already names are not said twice.
    const causes = rule.causes(shape).filter(([code]) => !mine?.description.includes(code));
    const extra = rule.extra as { headers?: object } | undefined;
    if (!mine) {
      out[rule.status] = error(describe(causes), extra);
      continue;
    }
    out[rule.status] = {
      ...mine,
      description: causes.length ? `${mine.description}\n\n${describe(causes)}` : mine.description,
      ...(extra?.headers || mine.headers ? { headers: { ...extra?.headers, ...mine.headers } } : {}),
    } as Response;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
