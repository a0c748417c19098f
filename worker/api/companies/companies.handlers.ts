import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { shardDb } from "../../db";
import { companies, contacts } from "../../db/schema";
import type { AppEnv } from "../../env";
import { isoNow } from "../../lib/time";
import { commitChange } from "../../sync/outbound";
import { listNewestFirst } from "../catalog/keyset";
import { deleteEntity, findOwned, patchEntity } from "../catalog/writes";
import type { createCompany, deleteCompany, getCompany, listCompanies, patchCompany } from "./companies.routes";
import { COMPANY_WRITABLE, newCompanyRow, toApiCompany } from "./companies.schemas";

export const listCompaniesHandler: RouteHandler<typeof listCompanies, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  const filters = [q.salesforceId ? eq(companies.salesforceId, q.salesforceId) : undefined];
  const page = await listNewestFirst(shardDb(c.var.shardEnv), companies, "companies", {
    workspaceId: c.get("workspaceId"),
    limit: q.limit,
    cursor: q.cursor,
    filters,
  });
  return c.json({ companies: page.items.map(toApiCompany), nextCursor: page.nextCursor }, 200);
};

export const getCompanyHandler: RouteHandler<typeof getCompany, AppEnv> = async (c) => {
  const row = await findOwned(
    shardDb(c.var.shardEnv),
    companies,
    c.get("workspaceId"),
    c.req.valid("param").id,
    "Company",
  );
  return c.json(toApiCompany(row), 200);
};

export const createCompanyHandler: RouteHandler<typeof createCompany, AppEnv> = async (c) => {
  const db = shardDb(c.var.shardEnv);
  const workspaceId = c.get("workspaceId");
  const body = c.req.valid("json");
  const row = newCompanyRow(workspaceId, body, isoNow());
  const given = COMPANY_WRITABLE.filter((f) => row[f] !== null);
  await commitChange(c.var.shardEnv, db, [db.insert(companies).values(row)], {
    workspaceId,
    entityType: "company",
    entityId: row.id,
    operation: "upsert",
    changedFields: given,
  });
  return c.json(toApiCompany(row), 201);
};

export const patchCompanyHandler: RouteHandler<typeof patchCompany, AppEnv> = async (c) => {
  const db = shardDb(c.var.shardEnv);
  const target = { workspaceId: c.get("workspaceId"), id: c.req.valid("param").id, what: "Company" };
  const { salesforceId: _readOnly, ...patch } = c.req.valid("json");
  const values = Object.fromEntries(COMPANY_WRITABLE.map((f) => [f, patch[f]]));
  return c.json(toApiCompany(await patchEntity(c.var.shardEnv, db, companies, "company", target, values)), 200);
};

export const deleteCompanyHandler: RouteHandler<typeof deleteCompany, AppEnv> = async (c) => {
  const db = shardDb(c.var.shardEnv);
  const target = { workspaceId: c.get("workspaceId"), id: c.req.valid("param").id, what: "Company" };
  // Contacts keep existing without it. Their Salesforce Contacts keep their Account: a Conversion
  // delete never reaches into the CRM, so this is no change to push.
  const unlink = db
    .update(contacts)
    .set({ companyId: null })
    .where(and(eq(contacts.workspaceId, target.workspaceId), eq(contacts.companyId, target.id)));
  await deleteEntity(c.var.shardEnv, db, companies, "company", target, [unlink]);
  return c.body(null, 204);
};
