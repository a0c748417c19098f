/**
 * An operation that refuses, for a reason the caller can fix or must know: an invalid field, a missing
 * object, a conflict with the state it found. Thrown by the modules below the API (sync, settings),
 * which know nothing of HTTP; the API answers each kind with its status, in its error shape.
 */
export class Refusal extends Error {
  constructor(
    readonly kind: "invalid" | "not_found" | "conflict",
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** One field of the request is wrong: named in the message and in `details.issues`. */
export function invalidField(target: "body" | "query" | "param", field: string, message: string): Refusal {
  return new Refusal("invalid", "invalid_request", `Invalid ${target} field '${field}': ${message}`, {
    issues: [{ field, message }],
  });
}

/** No such object (in this workspace). */
export const missing = (what: string) => new Refusal("not_found", "not_found", `${what} not found`);
