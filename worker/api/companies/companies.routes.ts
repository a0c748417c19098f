import { createRoute } from "@hono/zod-openapi";
import { idParam } from "../catalog/fields";
import { errorResponses, json, workspaceSecurity } from "../common";
import {
  companyBatchResultSchema,
  companyBatchSchema,
  companyCreateSchema,
  companyListQuery,
  companyListSchema,
  companyPatchSchema,
  companySchema,
} from "./companies.schemas";

const tags = ["Companies"];

export const listCompanies = createRoute({
  method: "get",
  path: "/companies",
  tags,
  summary: "Companies, newest first; filter by Salesforce ID",
  security: workspaceSecurity,
  request: { query: companyListQuery },
  responses: {
    200: json(companyListSchema, "One page of companies"),
    400: errorResponses[400],
    401: errorResponses[401],
  },
});

export const createCompany = createRoute({
  method: "post",
  path: "/companies",
  tags,
  summary: "Create a company; outbound sync pushes it to Salesforce as an Account",
  security: workspaceSecurity,
  request: { body: { ...json(companyCreateSchema, "The company"), required: true } },
  responses: { 201: json(companySchema, "The new company"), ...errorResponses },
});

export const getCompany = createRoute({
  method: "get",
  path: "/companies/{id}",
  tags,
  security: workspaceSecurity,
  request: { params: idParam },
  responses: { 200: json(companySchema, "The company"), ...errorResponses },
});

export const patchCompany = createRoute({
  method: "patch",
  path: "/companies/{id}",
  tags,
  summary: "Change a company; outbound sync pushes the changed fields",
  security: workspaceSecurity,
  request: { params: idParam, body: { ...json(companyPatchSchema, "The fields to change"), required: true } },
  responses: { 200: json(companySchema, "The company after the change"), ...errorResponses },
});

export const deleteCompany = createRoute({
  method: "delete",
  path: "/companies/{id}",
  tags,
  summary: "Delete a company in Conversion (its Salesforce Account is kept)",
  security: workspaceSecurity,
  request: { params: idParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

export const batchCompanies = createRoute({
  method: "post",
  path: "/companies:batch",
  tags,
  summary: "Create and change up to 200 companies in one request; outbound sync pushes them together",
  description:
    "Each item with an `id` changes that company (only the fields it gives; the PATCH rules), each item without one creates a company " +
    "(the POST rules). Every item is checked first: the first problem answers for the whole request, naming the item " +
    "(`items.3.name`), and nothing is written. Otherwise all are written together and come back in the items' order.",
  security: workspaceSecurity,
  request: { body: { ...json(companyBatchSchema, "The items"), required: true } },
  responses: { 200: json(companyBatchResultSchema, "Every company after the write"), ...errorResponses },
});
