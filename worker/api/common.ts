import { z } from "@hono/zod-openapi";

export const errorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .openapi("Error");

/** A JSON request or response body for createRoute. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

/** The error answers every authenticated route can give. */
export const errorResponses = {
  400: json(errorSchema, "Bad input: the message names the field"),
  401: json(errorSchema, "Missing or invalid credentials"),
  404: json(errorSchema, "Not found (also for another workspace's objects)"),
} as const;

export const workspaceSecurity: Record<string, string[]>[] = [{ bearerAuth: [] }, { sessionCookie: [] }];
export const adminSecurity: Record<string, string[]>[] = [{ adminToken: [] }];

/** List paging: `limit` 1–200 (default 50) and the opaque cursor from a previous page. */
export const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ param: { name: "limit", in: "query" } }),
  cursor: z
    .string()
    .max(500)
    .optional()
    .openapi({ param: { name: "cursor", in: "query" } }),
};
