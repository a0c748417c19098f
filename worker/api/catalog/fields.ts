import { z } from "@hono/zod-openapi";
import { toSalesforceId18 } from "../../salesforce";
import { normaliseEmail } from "../../sync/inbound/record";
import { fieldError } from "../errors";

// Field rules shared by the contact and company write APIs. Values are stored as inbound sync
// would store Salesforce's (trimmed, blank = null, emails lower-cased), so a value pushed out and
// read back in compares equal and the round trip counts as unchanged.

/** Optional text: trimmed, blank becomes null. Salesforce's own lengths are not enforced here on purpose: the org answers for them. */
export const optionalText = (max = 1000) =>
  z
    .string()
    .max(max)
    .transform((v) => (v.trim() === "" ? null : v.trim()))
    .nullable()
    .optional();

export const requiredText = (max = 1000) => z.string().trim().min(1, "must not be empty").max(max);

export const emailField = z
  .string()
  .max(320)
  .transform((v, ctx) => {
    const email = normaliseEmail(v);
    if (!email) ctx.addIssue({ code: "custom", message: "must be a valid email address" });
    return email ?? v;
  })
  .openapi({ type: "string", format: "email", example: "ada@example.com" });

/** `salesforceId` is the sync's to set: a client sending one gets a 400 naming it. */
export const readOnlySalesforceId = z
  .unknown()
  .refine((v) => v === undefined, "is read-only: the sync sets it")
  .optional()
  .openapi({ description: "Read-only" });

export const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const salesforceIdFilter = z
  .string()
  .regex(/^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/, "must be a 15- or 18-character Salesforce ID")
  .transform(toSalesforceId18)
  .optional()
  .openapi({ param: { name: "salesforceId", in: "query" }, example: "00Q5g00000AbCdEAAV" });

export const instant = z.string().openapi({ format: "date-time", example: "2026-11-29T10:20:30.000Z" });

/** When a record was made and last changed in Conversion, and in Salesforce (null until synced). */
export const recordTimes = {
  createdAt: instant,
  updatedAt: instant,
  externalCreatedAt: instant.nullable(),
  externalUpdatedAt: instant.nullable(),
};

export const nextCursor = z
  .string()
  .nullable()
  .openapi({ description: "Pass as `cursor` for the next page; null at the end" });

/** A 400 in the same words as the validation hook's, for checks zod cannot make alone. */
export function badBody(field: string, message: string) {
  return fieldError("body", field, message);
}
