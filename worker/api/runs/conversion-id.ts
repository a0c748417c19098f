import { and, eq } from "drizzle-orm";
import type { Db } from "../../db";
import { companies, contacts, events, opportunities, opportunityContactRoles } from "../../db/schema";
import type { HistoryLookup } from "./history.queries";

/** Conversion ids as the engines and the API create them: a type prefix, "_", a random token. */
export const CONVERSION_ID = /^(ct|co|op|ocr|ev)_[A-Za-z0-9_-]{1,64}$/;

const TABLES = { co: companies, op: opportunities, ocr: opportunityContactRoles, ev: events } as const;

/**
 * Record history for a Conversion record, found through its entity (run records carry no index on
 * the Conversion id: one more D1 row per record written, for a rare lookup). A contact is looked up
 * by its email, which its Lead's and its Contact's runs and its pushes all carry; anything else by
 * its Salesforce id. Null when the record does not exist in the workspace or was never linked.
 */
export async function conversionLookup(db: Db, workspaceId: string, id: string): Promise<HistoryLookup | null> {
  const prefix = id.slice(0, id.indexOf("_"));
  if (prefix === "ct") {
    const row = await db
      .select({ email: contacts.email, salesforceId: contacts.salesforceId })
      .from(contacts)
      .where(and(eq(contacts.id, id), eq(contacts.workspaceId, workspaceId)))
      .get();
    if (!row) return null;
    return row.email
      ? { email: row.email.toLowerCase() }
      : row.salesforceId
        ? { salesforceId: row.salesforceId }
        : null;
  }
  const table = TABLES[prefix as keyof typeof TABLES];
  if (!table) return null;
  const row = await db
    .select({ salesforceId: table.salesforceId })
    .from(table)
    .where(and(eq(table.id, id), eq(table.workspaceId, workspaceId)))
    .get();
  return row?.salesforceId ? { salesforceId: row.salesforceId } : null;
}
