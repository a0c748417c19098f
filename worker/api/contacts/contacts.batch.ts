import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { type Db, shardDb } from "../../db";
import { companies, contacts } from "../../db/schema";
import type { AppEnv } from "../../env";
import { inJson } from "../../sync/entities";
import { type BatchSpec, type Planned, writeBatch } from "../catalog/batch";
import { badBody } from "../catalog/fields";
import { conflict } from "../catalog/writes";
import type { batchContacts } from "./contacts.routes";
import { CONTACT_WRITABLE, newContactRow, toApiContact } from "./contacts.schemas";

type Plan = Planned<typeof contacts>;

/** Every company an item points at must be this workspace's: one read for the whole request. */
async function checkCompanies(db: Db, workspaceId: string, planned: Plan[]) {
  const refs = planned.filter((p) => p.changed.includes("companyId") && p.after.companyId !== null);
  if (!refs.length) return;
  const found = new Set(
    (
      await db
        .select({ id: companies.id })
        .from(companies)
        .where(
          and(
            eq(companies.workspaceId, workspaceId),
            inJson(
              companies.id,
              refs.map((p) => p.after.companyId!),
            ),
          ),
        )
        .all()
    ).map((r) => r.id),
  );
  const missing = refs.find((p) => !found.has(p.after.companyId!));
  if (missing) throw badBody(`items.${missing.index}.companyId`, "no company with this id in this workspace");
}

/** An email is one contact's per workspace: not twice in the request, not another contact's already. */
async function checkEmails(db: Db, workspaceId: string, planned: Plan[]) {
  const setting = planned.filter((p) => p.changed.includes("email"));
  if (!setting.length) return;
  const first = new Map<string, number>();
  for (const p of setting) {
    const earlier = first.get(p.after.email);
    if (earlier !== undefined)
      throw conflict(
        `The email ${p.after.email} is given to two contacts (items.${earlier}.email and items.${p.index}.email)`,
        {
          field: `items.${p.index}.email`,
        },
      );
    first.set(p.after.email, p.index);
  }
  const holders = await db
    .select({ id: contacts.id, email: contacts.email })
    .from(contacts)
    .where(
      and(
        eq(contacts.workspaceId, workspaceId),
        inJson(
          contacts.email,
          setting.map((p) => p.after.email),
        ),
      ),
    )
    .all();
  const holder = new Map(holders.map((h) => [h.email, h.id]));
  const taken = setting.find((p) => holder.has(p.after.email) && holder.get(p.after.email) !== p.after.id);
  if (taken)
    throw conflict(
      `A contact with email ${taken.after.email} already exists in this workspace (items.${taken.index}.email)`,
      { field: `items.${taken.index}.email` },
    );
}

const spec: BatchSpec<typeof contacts> = {
  table: contacts,
  entityType: "contact",
  what: "contact",
  writable: CONTACT_WRITABLE,
  create: (item, workspaceId, now) => newContactRow(workspaceId, item as Parameters<typeof newContactRow>[1], now),
  async check(db, workspaceId, planned) {
    await checkCompanies(db, workspaceId, planned);
    await checkEmails(db, workspaceId, planned);
  },
};

export const batchContactsHandler: RouteHandler<typeof batchContacts, AppEnv> = async (c) => {
  // The read-only salesforceId an item may carry is not among the writable fields: never written.
  const env = c.var.shardEnv;
  const rows = await writeBatch(env, shardDb(env), spec, c.get("workspaceId"), c.req.valid("json").items);
  return c.json({ items: rows.map(toApiContact) }, 200);
};
