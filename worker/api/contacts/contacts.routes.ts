import { createRoute } from "@hono/zod-openapi";
import { idParam } from "../catalog/fields";
import { errorResponses, errorSchema, json, workspaceSecurity } from "../common";
import {
  contactBatchResultSchema,
  contactBatchSchema,
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

export const batchContacts = createRoute({
  method: "post",
  path: "/contacts:batch",
  tags,
  summary: "Create and change up to 200 contacts in one request; outbound sync pushes them together",
  description:
    "Each item with an `id` changes that contact (only the fields it gives; the PATCH rules), each item without one creates a contact " +
    "(the POST rules). Every item is checked first: the first problem answers for the whole request, naming the item " +
    "(`items.3.email`), and nothing is written. Otherwise all are written together and come back in the items' order.",
  security: workspaceSecurity,
  request: { body: { ...json(contactBatchSchema, "The items"), required: true } },
  responses: { 200: json(contactBatchResultSchema, "Every contact after the write"), ...errorResponses, ...conflict },
});
