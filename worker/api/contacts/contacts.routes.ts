import { createRoute } from "@hono/zod-openapi";
import { idParam } from "../catalog/fields";
import { errorResponses, errorSchema, json, workspaceSecurity } from "../common";
import {
  contactCreateSchema,
  contactListQuery,
  contactListSchema,
  contactPatchSchema,
  contactSchema,
} from "./contacts.schemas";

const tags = ["Contacts"];
const conflict = { 409: json(errorSchema, "Another contact of this workspace has this email") };

export const listContacts = createRoute({
  method: "get",
  path: "/contacts",
  tags,
  summary: "Contacts, newest first; filter by email or Salesforce ID",
  security: workspaceSecurity,
  request: { query: contactListQuery },
  responses: {
    200: json(contactListSchema, "One page of contacts"),
    400: errorResponses[400],
    401: errorResponses[401],
  },
});

export const createContact = createRoute({
  method: "post",
  path: "/contacts",
  tags,
  summary: "Create a contact; outbound sync pushes it to Salesforce",
  security: workspaceSecurity,
  request: { body: { ...json(contactCreateSchema, "The contact"), required: true } },
  responses: { 201: json(contactSchema, "The new contact"), ...errorResponses, ...conflict },
});

export const getContact = createRoute({
  method: "get",
  path: "/contacts/{id}",
  tags,
  security: workspaceSecurity,
  request: { params: idParam },
  responses: { 200: json(contactSchema, "The contact"), ...errorResponses },
});

export const patchContact = createRoute({
  method: "patch",
  path: "/contacts/{id}",
  tags,
  summary: "Change a contact; outbound sync pushes the changed fields",
  security: workspaceSecurity,
  request: { params: idParam, body: { ...json(contactPatchSchema, "The fields to change"), required: true } },
  responses: { 200: json(contactSchema, "The contact after the change"), ...errorResponses, ...conflict },
});

export const deleteContact = createRoute({
  method: "delete",
  path: "/contacts/{id}",
  tags,
  summary: "Delete a contact in Conversion (its Salesforce record is kept)",
  security: workspaceSecurity,
  request: { params: idParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});
