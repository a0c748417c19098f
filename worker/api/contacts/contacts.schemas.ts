import { z } from "@hono/zod-openapi";
import type { contacts } from "../../db/schema";
import { timeOrderedId } from "../../db/schema/time-ordered";
import { batchSchemas } from "../catalog/batch.schemas";
import {
  emailField,
  nextCursor,
  optionalText,
  readOnlySalesforceId,
  recordTimes,
  salesforceIdFilter,
} from "../catalog/fields";
import { pageQuery } from "../common";

export const contactSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    userId: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    title: z.string().nullable(),
    phone: z.string().nullable(),
    companyId: z.string().nullable(),
    salesforceId: z
      .string()
      .nullable()
      .openapi({ description: "The linked Lead or Contact; set by the sync, read-only" }),
    salesforceObject: z.enum(["Lead", "Contact"]).nullable(),
    ...recordTimes,
  })
  .openapi("Contact");

const writable = {
  email: emailField,
  userId: optionalText(255),
  firstName: optionalText(),
  lastName: optionalText(),
  title: optionalText(),
  phone: optionalText(100),
  companyId: z.string().max(100).nullable().optional(),
  salesforceId: readOnlySalesforceId,
};

export const contactCreateSchema = z.object(writable).strict().openapi("ContactCreate");
const patch = { ...writable, email: emailField.optional() };
export const contactPatchSchema = z.object(patch).strict().openapi("ContactPatch");

const batch = batchSchemas("Contact", patch, "email", contactSchema);
export const contactBatchSchema = batch.batch;
export const contactBatchResultSchema = batch.result;

export const contactListQuery = z.object({
  email: z
    .string()
    .trim()
    .min(1)
    .max(320)
    .transform((v) => v.toLowerCase())
    .optional()
    .openapi({ param: { name: "email", in: "query" }, example: "ada@example.com" }),
  salesforceId: salesforceIdFilter,
  ...pageQuery,
});

export const contactListSchema = z.object({ contacts: z.array(contactSchema), nextCursor }).openapi("ContactList");

/** The fields a write may change, in the order the outbox lists them. */
export const CONTACT_WRITABLE = ["email", "userId", "firstName", "lastName", "title", "phone", "companyId"] as const;

/** A new contact's row from a create's validated fields. */
export function newContactRow(
  workspaceId: string,
  body: Partial<Record<(typeof CONTACT_WRITABLE)[number], string | null>> & { email: string },
  now: string,
): typeof contacts.$inferSelect {
  return {
    id: timeOrderedId(now),
    workspaceId,
    email: body.email,
    userId: body.userId ?? null,
    firstName: body.firstName ?? null,
    lastName: body.lastName ?? null,
    title: body.title ?? null,
    phone: body.phone ?? null,
    companyId: body.companyId ?? null,
    salesforceId: null,
    salesforceObject: null,
    sfModstamp: null,
    externalCreatedAt: null,
    externalUpdatedAt: null,
    createdAt: now,
    updatedAt: now,
    history: null,
  };
}

export function toApiContact(row: typeof contacts.$inferSelect): z.infer<typeof contactSchema> {
  return {
    id: row.id,
    email: row.email,
    userId: row.userId,
    firstName: row.firstName,
    lastName: row.lastName,
    title: row.title,
    phone: row.phone,
    companyId: row.companyId,
    salesforceId: row.salesforceId,
    salesforceObject:
      row.salesforceObject === "Lead" || row.salesforceObject === "Contact" ? row.salesforceObject : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    externalCreatedAt: row.externalCreatedAt,
    externalUpdatedAt: row.externalUpdatedAt,
  };
}
