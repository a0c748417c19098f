import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";

/** The API's error envelope: `{"error": {"code", "message", "details"}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found`);
export const unauthorized = (message = "Missing or invalid credentials") =>
  new ApiError(401, "unauthorized", message);

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** Turns a zod failure into a 400 whose message names the first offending field. */
export function validationError(error: ZodError, where: "body" | "query" | "param" | "json" | string) {
  const issues = error.issues.map((i) => ({
    field: i.path.length ? i.path.join(".") : where,
    message: i.message,
  }));
  const first = issues[0];
  const message = first ? `Invalid ${where === "json" ? "body" : where} field '${first.field}': ${first.message}` : "Invalid request";
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
