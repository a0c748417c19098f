import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { TIME_ORDERED_OLD_ROW } from "./time-ordered";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

/** Shared columns: who owns the row, its Salesforce twin, and Salesforce's own times. */
const linked = () => ({
  id: text("id").primaryKey(),
  workspaceId: text("workspace_id").notNull(),
  salesforceId: text("salesforce_id"),
  /** SystemModstamp of the Salesforce version last applied, to refuse outdated records. */
  sfModstamp: text("sf_modstamp"),
  externalCreatedAt: text("external_created_at"),
  externalUpdatedAt: text("external_updated_at"),
  createdAt: text("created_at").notNull().default(now),
  updatedAt: text("updated_at").notNull().default(now),
  /**
   * Record history: where this record's run records are, newest last, as refs into run_pages
   * (worker/sync/runs/history.ts). Written with the row, so history costs no D1 row of its own.
   */
  history: text("history"),
});

/**
 * A Conversion contact: valid email, unique per workspace; linked to a Lead or a Contact.
 * WITHOUT ROWID on (workspace_id, id) (migration 0014): the table is its id's index, so a contact
 * from a Lead writes 3 D1 rows (the row, email, Salesforce id). Its ids are time-ordered
 * (./time-ordered.ts), so the list walks the primary key; only rows with an id from before keep an
 * entry in contacts_ws_created.
 */
export const contacts = sqliteTable(
  "contacts",
  {
    ...linked(),
    id: text("id").notNull(),
    salesforceObject: text("salesforce_object"),
    email: text("email").notNull(),
    userId: text("user_id"),
    firstName: text("first_name"),
    lastName: text("last_name"),
    title: text("title"),
    phone: text("phone"),
    companyId: text("company_id"),
  },
  (t) => [
    uniqueIndex("contacts_ws_email").on(t.workspaceId, t.email),
    uniqueIndex("contacts_ws_sfid").on(t.workspaceId, t.salesforceId),
    // Partial: contacts from Salesforce (nearly all of them) have no user id, and an entry for each
    // is a D1 row written for nothing. Lookups by user id (=, IN) imply NOT NULL, so they still use it.
    index("contacts_ws_user").on(t.workspaceId, t.userId).where(sql`${t.userId} IS NOT NULL`),
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index("contacts_ws_created").on(t.workspaceId, t.createdAt, t.id).where(TIME_ORDERED_OLD_ROW.contacts),
    // Who points at a company: a merge folds them into the winner, a delete finds them.
    // Partial, as contacts_ws_user: contacts from Leads have no company, and an entry for each is a D1
    // row written for nothing. The folds' `company_id IN (…)` implies NOT NULL, so they still use it.
    index("contacts_ws_company").on(t.workspaceId, t.companyId).where(sql`${t.companyId} IS NOT NULL`),
  ],
);

export const companies = sqliteTable(
  "companies",
  {
    ...linked(),
    name: text("name").notNull(),
    domain: text("domain"),
    industry: text("industry"),
  },
  (t) => [
    uniqueIndex("companies_ws_sfid").on(t.workspaceId, t.salesforceId),
    index("companies_ws_created").on(t.workspaceId, t.createdAt, t.id),
  ],
);

export const opportunities = sqliteTable(
  "opportunities",
  {
    ...linked(),
    name: text("name").notNull(),
    stageName: text("stage_name"),
    amount: real("amount"),
    closeDate: text("close_date"),
    companyId: text("company_id"),
  },
  (t) => [
    uniqueIndex("opportunities_ws_sfid").on(t.workspaceId, t.salesforceId),
    index("opportunities_ws_created").on(t.workspaceId, t.createdAt, t.id),
    index("opportunities_ws_company").on(t.workspaceId, t.companyId).where(sql`${t.companyId} IS NOT NULL`),
  ],
);

export const opportunityContactRoles = sqliteTable(
  "opportunity_contact_roles",
  {
    ...linked(),
    opportunityId: text("opportunity_id").notNull(),
    contactId: text("contact_id").notNull(),
    role: text("role"),
    isPrimary: integer("is_primary", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    uniqueIndex("ocr_ws_sfid").on(t.workspaceId, t.salesforceId),
    // Who points at a contact: a merge folds them into the winner, a delete finds them.
    index("ocr_ws_contact").on(t.workspaceId, t.contactId),
  ],
);

/** A custom event on a contact, from the event object (default Conversion_Event__c). */
export const events = sqliteTable(
  "events",
  {
    ...linked(),
    name: text("name").notNull(),
    contactId: text("contact_id").notNull(),
    occurredAt: text("occurred_at"),
    properties: text("properties").notNull().default("{}"),
  },
  (t) => [
    uniqueIndex("events_ws_sfid").on(t.workspaceId, t.salesforceId),
    index("events_ws_created").on(t.workspaceId, t.createdAt, t.id),
    index("events_ws_contact").on(t.workspaceId, t.contactId),
  ],
);
