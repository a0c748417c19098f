import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq, ne } from "drizzle-orm";
import { type Db, getDb } from "../../db";
import { contacts } from "../../db/schema";
import type { AppEnv } from "../../env";
import { newId } from "../../lib/crypto";
import { isoNow } from "../../lib/time";
import { commitChange } from "../../sync/outbound";
import { listNewestFirst } from "../catalog/keyset";
import { assertCompany, changedFields, conflict, findOwned, isUniqueViolation } from "../catalog/writes";
import type { createContact, deleteContact, getContact, listContacts, patchContact } from "./contacts.routes";
import { CONTACT_WRITABLE, toApiContact } from "./contacts.schemas";

type ContactRow = typeof contacts.$inferSelect;

const emailTaken = (email: string) =>
  conflict(`A contact with email ${email} already exists in this workspace`, { field: "email" });

async function assertEmailFree(db: Db, workspaceId: string, email: string, exceptId: string | null) {
  const other = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(
      and(
        eq(contacts.workspaceId, workspaceId),
        eq(contacts.email, email),
        exceptId ? ne(contacts.id, exceptId) : undefined,
      ),
    )
    .get();
  if (other) throw emailTaken(email);
}

/** Commits the contact with its outbox row; a unique-email race lost at the commit is still a 409. */
async function commitContact(
  env: Env,
  db: Db,
  statement: unknown,
  row: ContactRow,
  operation: "upsert" | "delete",
  changed: string[],
) {
  try {
    await commitChange(env, db, [statement], {
      workspaceId: row.workspaceId,
      entityType: "contact",
      entityId: row.id,
      operation,
      changedFields: changed,
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw emailTaken(row.email);
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
  await assertEmailFree(db, workspaceId, body.email, null);
  const now = isoNow();
  const row: ContactRow = {
    id: newId("ct"),
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
  };
  const given = CONTACT_WRITABLE.filter((f) => row[f] !== null);
  await commitContact(c.env, db, db.insert(contacts).values(row), row, "upsert", given);
  return c.json(toApiContact(row), 201);
};

export const patchContactHandler: RouteHandler<typeof patchContact, AppEnv> = async (c) => {
  const db = getDb(c.env);
  const workspaceId = c.get("workspaceId");
  const before = await findOwned(db, contacts, workspaceId, c.req.valid("param").id, "Contact");
  const { salesforceId: _readOnly, ...patch } = c.req.valid("json");
  const changed = changedFields(before, patch, CONTACT_WRITABLE);
  if (!changed.length) return c.json(toApiContact(before), 200);
  if (changed.includes("companyId")) await assertCompany(db, workspaceId, patch.companyId);
  if (changed.includes("email")) await assertEmailFree(db, workspaceId, patch.email!, before.id);
  const values = Object.fromEntries(changed.map((f) => [f, patch[f] ?? null])) as Partial<ContactRow>;
  const after: ContactRow = { ...before, ...values, updatedAt: isoNow() };
  const statement = db
    .update(contacts)
    .set({ ...values, updatedAt: after.updatedAt })
    .where(and(eq(contacts.id, before.id), eq(contacts.workspaceId, workspaceId)));
  await commitContact(c.env, db, statement, after, "upsert", changed);
  return c.json(toApiContact(after), 200);
};

export const deleteContactHandler: RouteHandler<typeof deleteContact, AppEnv> = async (c) => {
  const db = getDb(c.env);
  const workspaceId = c.get("workspaceId");
  const row = await findOwned(db, contacts, workspaceId, c.req.valid("param").id, "Contact");
  const statement = db.delete(contacts).where(and(eq(contacts.id, row.id), eq(contacts.workspaceId, workspaceId)));
  await commitContact(c.env, db, statement, row, "delete", []);
  return c.body(null, 204);
};
