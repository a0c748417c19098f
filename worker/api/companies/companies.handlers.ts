import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { getDb } from "../../db";
import { companies, contacts } from "../../db/schema";
import type { AppEnv } from "../../env";
import { newId } from "../../lib/crypto";
import { isoNow } from "../../lib/time";
import { commitChange } from "../../sync/outbound";
import { listNewestFirst } from "../catalog/keyset";
import { changedFields, findOwned } from "../catalog/writes";
import type { createCompany, deleteCompany, getCompany, listCompanies, patchCompany } from "./companies.routes";
import { COMPANY_WRITABLE, toApiCompany } from "./companies.schemas";

type CompanyRow = typeof companies.$inferSelect;

export const listCompaniesHandler: RouteHandler<typeof listCompanies, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  const filters = [q.salesforceId ? eq(companies.salesforceId, q.salesforceId) : undefined];
  const page = await listNewestFirst(getDb(c.env), companies, "companies", {
    workspaceId: c.get("workspaceId"),
    limit: q.limit,
    cursor: q.cursor,
    filters,
  });
  return c.json({ companies: page.items.map(toApiCompany), nextCursor: page.nextCursor }, 200);
};

export const getCompanyHandler: RouteHandler<typeof getCompany, AppEnv> = async (c) => {
  const row = await findOwned(getDb(c.env), companies, c.get("workspaceId"), c.req.valid("param").id, "Company");
  return c.json(toApiCompany(row), 200);
};

export const createCompanyHandler: RouteHandler<typeof createCompany, AppEnv> = async (c) => {
  const db = getDb(c.env);
  const workspaceId = c.get("workspaceId");
  const body = c.req.valid("json");
  const now = isoNow();
  const row: CompanyRow = {
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
  };
  const given = COMPANY_WRITABLE.filter((f) => row[f] !== null);
  await commitChange(c.env, db, [db.insert(companies).values(row)], {
    workspaceId,
    entityType: "company",
    entityId: row.id,
    operation: "upsert",
    changedFields: given,
  });
  return c.json(toApiCompany(row), 201);
};

export const patchCompanyHandler: RouteHandler<typeof patchCompany, AppEnv> = async (c) => {
  const db = getDb(c.env);
  const workspaceId = c.get("workspaceId");
  const before = await findOwned(db, companies, workspaceId, c.req.valid("param").id, "Company");
  const { salesforceId: _readOnly, ...patch } = c.req.valid("json");
  const changed = changedFields(before, patch, COMPANY_WRITABLE);
  if (!changed.length) return c.json(toApiCompany(before), 200);
  const values = Object.fromEntries(changed.map((f) => [f, patch[f] ?? null])) as Partial<CompanyRow>;
  const after: CompanyRow = { ...before, ...values, updatedAt: isoNow() };
  const statement = db
    .update(companies)
    .set({ ...values, updatedAt: after.updatedAt })
    .where(and(eq(companies.id, before.id), eq(companies.workspaceId, workspaceId)));
  await commitChange(c.env, db, [statement], {
    workspaceId,
    entityType: "company",
    entityId: before.id,
    operation: "upsert",
    changedFields: changed,
  });
  return c.json(toApiCompany(after), 200);
};

export const deleteCompanyHandler: RouteHandler<typeof deleteCompany, AppEnv> = async (c) => {
  const db = getDb(c.env);
  const workspaceId = c.get("workspaceId");
  const row = await findOwned(db, companies, workspaceId, c.req.valid("param").id, "Company");
  // Contacts keep existing without it. Their Salesforce Contacts keep their Account: a Conversion
  // delete never reaches into the CRM, so this is no change to push.
  const unlink = db
    .update(contacts)
    .set({ companyId: null })
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.companyId, row.id)));
  const remove = db.delete(companies).where(and(eq(companies.id, row.id), eq(companies.workspaceId, workspaceId)));
  await commitChange(c.env, db, [unlink, remove], {
    workspaceId,
    entityType: "company",
    entityId: row.id,
    operation: "delete",
    changedFields: [],
  });
  return c.body(null, 204);
};
