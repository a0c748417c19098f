import type { RouteHandler } from "@hono/zod-openapi";
import { shardDb } from "../../db";
import { companies } from "../../db/schema";
import type { AppEnv } from "../../env";
import { type BatchSpec, writeBatch } from "../catalog/batch";
import type { batchCompanies } from "./companies.routes";
import { COMPANY_WRITABLE, newCompanyRow, toApiCompany } from "./companies.schemas";

const spec: BatchSpec<typeof companies> = {
  table: companies,
  entityType: "company",
  what: "company",
  writable: COMPANY_WRITABLE,
  create: (item, workspaceId, now) => newCompanyRow(workspaceId, item as Parameters<typeof newCompanyRow>[1], now),
};

export const batchCompaniesHandler: RouteHandler<typeof batchCompanies, AppEnv> = async (c) => {
  // The read-only salesforceId an item may carry is not among the writable fields: never written.
  const env = c.var.shardEnv;
  const rows = await writeBatch(env, shardDb(env), spec, c.get("workspaceId"), c.req.valid("json").items);
  return c.json({ items: rows.map(toApiCompany) }, 200);
};
