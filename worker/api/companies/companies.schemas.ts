import { z } from "@hono/zod-openapi";
import type { companies } from "../../db/schema";
import { newId } from "../../lib/crypto";
import { domainOf } from "../../sync/inbound/classify/companies";
import { batchSchemas } from "../catalog/batch.schemas";
import {
  nextCursor,
  optionalText,
  readOnlySalesforceId,
  recordTimes,
  requiredText,
  salesforceIdFilter,
} from "../catalog/fields";
import { pageQuery } from "../common";

export const companySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    domain: z.string().nullable(),
    industry: z.string().nullable(),
    salesforceId: z.string().nullable().openapi({ description: "The linked Account; set by the sync, read-only" }),
    ...recordTimes,
  })
  .openapi("Company");

/** Stored as inbound stores an Account's Website ("https://www.acme.com/x" → "acme.com"), so the round trip compares equal. */
const domain = optionalText(255).transform((v) => (v ? domainOf(v) : v));

const writable = {
  name: requiredText(),
  domain,
  industry: optionalText(255),
  salesforceId: readOnlySalesforceId,
};

export const companyCreateSchema = z.object(writable).strict().openapi("CompanyCreate");
const patch = { ...writable, name: requiredText().optional() };
export const companyPatchSchema = z.object(patch).strict().openapi("CompanyPatch");

const batch = batchSchemas("Company", patch, "name", companySchema);
export const companyBatchSchema = batch.batch;
export const companyBatchResultSchema = batch.result;

export const companyListQuery = z.object({ salesforceId: salesforceIdFilter, ...pageQuery });
export const companyListSchema = z.object({ companies: z.array(companySchema), nextCursor }).openapi("CompanyList");

export const COMPANY_WRITABLE = ["name", "domain", "industry"] as const;

/** A new company's row from a create's validated fields. */
export function newCompanyRow(
  workspaceId: string,
  body: { name: string; domain?: string | null; industry?: string | null },
  now: string,
): typeof companies.$inferSelect {
  return {
    id: newId("co"),
    workspaceId,
    name: body.name,
    domain: body.domain ?? null,
    industry: body.industry ?? null,
    salesforceId: null,
    sfModstamp: null,
    externalCreatedAt: null,
    externalUpdatedAt: null,
    createdAt: now,
    updatedAt: now,
    history: null,
  };
}

export function toApiCompany(row: typeof companies.$inferSelect): z.infer<typeof companySchema> {
  return {
    id: row.id,
    name: row.name,
    domain: row.domain,
    industry: row.industry,
    salesforceId: row.salesforceId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    externalCreatedAt: row.externalCreatedAt,
    externalUpdatedAt: row.externalUpdatedAt,
  };
}
