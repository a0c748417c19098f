import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { invalidField, missing, type Refusal } from "../lib/refusal";

/** The API's error envelope: `{"error": {"code", "message", "details"}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. `Retry-After` on a 429. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

const REFUSAL_STATUS = { invalid: 400, not_found: 404, conflict: 409 } as const;

/** A refusal of the modules below the API, as the API answers it. */
export function fromRefusal(refusal: Refusal): ApiError {
  return new ApiError(REFUSAL_STATUS[refusal.kind], refusal.code, refusal.message, refusal.details);
}

export const notFound = (what: string) => fromRefusal(missing(what));
export const unauthorized = (message = "Missing or invalid credentials") => new ApiError(401, "unauthorized", message);

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** A 400 for one field, in the same words as the validation hook's, for checks zod cannot make alone. */
export function fieldError(target: "body" | "query" | "param", field: string, message: string) {
  return fromRefusal(invalidField(target, field, message));
}

/** Turns a zod failure into a 400 whose message names the first offending field. */
export function validationError(error: ZodError, where: "body" | "query" | "param" | "json" | string) {
  const target = where === "json" ? "body" : where;
  const issues = error.issues.map((i) => {
    // An unknown key is reported on its parent; the client needs the key itself to fix the request.
    const path = i.code === "unrecognized_keys" && i.keys.length ? [...i.path, i.keys[0]!] : i.path;
    return { field: path.length ? path.join(".") : target, message: i.message };
  });
  const first = issues[0];
  const message = first ? `Invalid ${target} field '${first.field}': ${first.message}` : "Invalid request";
  return new ApiError(400, "invalid_request", message, { issues });
}

/** The hook @hono/zod-openapi calls when a request fails its schema. */
export function defaultHook(
  result: { success: boolean; error?: unknown; target?: string },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const err = validationError(result.error as ZodError, result.target ?? "request");
  return c.json(errorBody(err.code, err.message, err.details), 400);
}

/**
 * Hono's own refusals (body limit, content type, unparsable JSON) in the envelope, naming what to fix:
 * its messages ("Unsupported Media Type") say what went wrong but not which part of the request.
 */
export function fromHttpStatus(status: ContentfulStatusCode, message: string) {
  if (status === 413) return new ApiError(413, "payload_too_large", message || "Request body is too large");
  if (status === 401) return unauthorized(message || undefined);
  if (status === 415) {
    return new ApiError(
      415,
      "unsupported_media_type",
      "Invalid header field 'content-type': send the body as application/json",
      {
        issues: [{ field: "content-type", message: "must be application/json" }],
      },
    );
  }
  if (status === 400 && /JSON/i.test(message)) {
    return new ApiError(400, "invalid_request", "Invalid body field 'body': not valid JSON", {
      issues: [{ field: "body", message: "not valid JSON" }],
    });
  }
  return new ApiError(status, "invalid_request", message || "Bad request");
}
