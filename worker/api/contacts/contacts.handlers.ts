import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { getDb } from "../../db";
import { contacts } from "../../db/schema";
import { TIME_ORDERED_OLD_ROW } from "../../db/schema/time-ordered";
import type { AppEnv } from "../../env";
import { isoNow } from "../../lib/time";
import { commitChange } from "../../sync/outbound";
import { listNewestFirst } from "../catalog/keyset";
import { assertCompany, conflict, findOwned, isUniqueViolation, patchEntity } from "../catalog/writes";
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
  const page = await listNewestFirst(getDb(c.env), contacts, "contacts", {
    workspaceId: c.get("workspaceId"),
    limit: q.limit,
    cursor: q.cursor,
    filters,
    oldRows: TIME_ORDERED_OLD_ROW.contacts,
  });
  return c.json({ contacts: page.items.map(toApiContact), nextCursor: page.nextCursor }, 200);
};

export const getContactHandler: RouteHandler<typeof getContact, AppEnv> = async (c) => {
  const row = await findOwned(getDb(c.env), contacts, c.get("workspaceId"), c.req.valid("param").id, "Contact");
  return c.json(toApiContact(row), 200);
};

export const createContactHandler: RouteHandler<typeof createContact, AppEnv> = async (c) => {
  const db = getDb(c.env);
  const workspaceId = c.get("workspaceId");
  const body = c.req.valid("json");
  await assertCompany(db, workspaceId, body.companyId);
  const row = newContactRow(workspaceId, body, isoNow());
  const given = CONTACT_WRITABLE.filter((f) => row[f] !== null);
  await orEmailTaken(row.email, () =>
    commitChange(c.env, db, [db.insert(contacts).values(row)], {
      workspaceId,
      entityType: "contact",
      entityId: row.id,
      operation: "upsert",
      changedFields: given,
    }),
  );
  return c.json(toApiContact(row), 201);
};

export const patchContactHandler: RouteHandler<typeof patchContact, AppEnv> = async (c) => {
  const db = getDb(c.env);
  const workspaceId = c.get("workspaceId");
  const target = { workspaceId, id: c.req.valid("param").id, what: "Contact" };
  const { salesforceId: _readOnly, ...patch } = c.req.valid("json");
  // An unknown contact is a 404 before anything about its fields.
  if (patch.companyId)
    await assertCompany(db, workspaceId, patch.companyId).catch(async (err) => {
      await findOwned(db, contacts, workspaceId, target.id, target.what);
      throw err;
    });
  const values = Object.fromEntries(CONTACT_WRITABLE.map((f) => [f, patch[f]]));
  const after = await orEmailTaken(patch.email, () => patchEntity(c.env, db, contacts, "contact", target, values));
  return c.json(toApiContact(after), 200);
};

export const deleteContactHandler: RouteHandler<typeof deleteContact, AppEnv> = async (c) => {
  const db = getDb(c.env);
  const workspaceId = c.get("workspaceId");
  const row = await findOwned(db, contacts, workspaceId, c.req.valid("param").id, "Contact");
  const statement = db.delete(contacts).where(and(eq(contacts.id, row.id), eq(contacts.workspaceId, workspaceId)));
  await commitChange(c.env, db, [statement], {
    workspaceId,
    entityType: "contact",
    entityId: row.id,
    operation: "delete",
    changedFields: [],
  });
  return c.body(null, 204);
};
