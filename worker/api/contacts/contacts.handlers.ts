import type { RouteHandler } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { shardDb } from "../../db";
import { contacts } from "../../db/schema";
import { TIME_ORDERED_OLD_ROW } from "../../db/schema/time-ordered";
import type { AppEnv } from "../../env";
import { isoNow } from "../../lib/time";
import { listNewestFirst } from "../catalog/keyset";
import {
  companyGuard,
  conflict,
  createEntity,
  deleteEntity,
  findOwned,
  isUniqueViolation,
  patchEntity,
} from "../catalog/writes";
import type { createContact, deleteContact, getContact, listContacts, patchContact } from "./contacts.routes";
import { CONTACT_WRITABLE, newContactRow, toApiContact } from "./contacts.schemas";

const emailTaken = (email: string) =>
  conflict(`A contact with email ${email} already exists in this workspace`, { field: "email" });

/** The unique email index decides at the commit (no read before): a clash is a 409 naming the field. */
async function orEmailTaken<T>(email: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (email && isUniqueViolation(err)) throw emailTaken(email);
    throw err;
  }
}

export const listContactsHandler: RouteHandler<typeof listContacts, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  const filters = [
    q.email ? eq(contacts.email, q.email) : undefined,
    q.salesforceId ? eq(contacts.salesforceId, q.salesforceId) : undefined,
  ];
  const page = await listNewestFirst(shardDb(c.var.shardEnv), contacts, "contacts", {
    workspaceId: c.get("workspaceId"),
    limit: q.limit,
    cursor: q.cursor,
    filters,
    oldRows: TIME_ORDERED_OLD_ROW.contacts,
  });
  return c.json({ contacts: page.items.map(toApiContact), nextCursor: page.nextCursor }, 200);
};

export const getContactHandler: RouteHandler<typeof getContact, AppEnv> = async (c) => {
  const row = await findOwned(
    shardDb(c.var.shardEnv),
    contacts,
    c.get("workspaceId"),
    c.req.valid("param").id,
    "Contact",
  );
  return c.json(toApiContact(row), 200);
};

export const createContactHandler: RouteHandler<typeof createContact, AppEnv> = async (c) => {
  const db = shardDb(c.var.shardEnv);
  const workspaceId = c.get("workspaceId");
  const body = c.req.valid("json");
  const row = newContactRow(workspaceId, body, isoNow());
  const given = CONTACT_WRITABLE.filter((f) => row[f] !== null);
  const change = {
    workspaceId,
    entityType: "contact",
    entityId: row.id,
    operation: "upsert",
    changedFields: given,
  } as const;
  await orEmailTaken(row.email, () =>
    createEntity(c.var.shardEnv, db, contacts, row, change, companyGuard(db, workspaceId, body.companyId)),
  );
  return c.json(toApiContact(row), 201);
};

export const patchContactHandler: RouteHandler<typeof patchContact, AppEnv> = async (c) => {
  const db = shardDb(c.var.shardEnv);
  const workspaceId = c.get("workspaceId");
  const target = { workspaceId, id: c.req.valid("param").id, what: "Contact" };
  const { salesforceId: _readOnly, ...patch } = c.req.valid("json");
  const values = Object.fromEntries(CONTACT_WRITABLE.map((f) => [f, patch[f]]));
  // The company is checked inside the write; an unknown contact is still a 404 before anything about its fields.
  const guard = companyGuard(db, workspaceId, patch.companyId);
  const after = await orEmailTaken(patch.email, () =>
    patchEntity(c.var.shardEnv, db, contacts, "contact", target, values, guard),
  );
  return c.json(toApiContact(after), 200);
};

export const deleteContactHandler: RouteHandler<typeof deleteContact, AppEnv> = async (c) => {
  const target = { workspaceId: c.get("workspaceId"), id: c.req.valid("param").id, what: "Contact" };
  await deleteEntity(c.var.shardEnv, shardDb(c.var.shardEnv), contacts, "contact", target);
  return c.body(null, 204);
};
