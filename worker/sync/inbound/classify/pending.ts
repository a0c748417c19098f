import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../../db";
import { outbox } from "../../../db/schema";
import type { EntityRow, EntitySet } from "../../entities";
import { inJson } from "../../entities";
import { isEmptyValue, writableMappings } from "../../outbound/fields";
import type { SalesforceRecord } from "../record";
import type { PageContext } from "./context";

/** Conversion id → the Conversion fields its edits still waiting in the outbox changed. */
export type PendingEdits = Map<string, Set<string>>;

/**
 * The fields of the page's contacts or companies that Conversion edited and has not pushed yet
 * (one query, and none when the page found no entity of the kind).
 */
export async function loadPendingEdits(
  db: Db,
  workspaceId: string,
  type: "contact" | "company",
  set: EntitySet,
): Promise<PendingEdits> {
  const pending: PendingEdits = new Map();
  if (!set.byId.size) return pending;
  const rows = await db
    .select({ entityId: outbox.entityId, changedFields: outbox.changedFields })
    .from(outbox)
    .where(
      and(
        eq(outbox.workspaceId, workspaceId),
        eq(outbox.entityType, type),
        isNull(outbox.processedAt),
        inJson(outbox.entityId, [...set.byId.keys()]),
      ),
    )
    .all();
  for (const row of rows) {
    const fields = pending.get(row.entityId) ?? new Set<string>();
    try {
      for (const f of JSON.parse(row.changedFields) as unknown[]) if (typeof f === "string") fields.add(f);
    } catch {
      // A damaged row names no field: it protects nothing, and the push reports it.
    }
    pending.set(row.entityId, fields);
  }
  return pending;
}

/**
 * Salesforce's values without the fields a Conversion edit still waiting in the outbox will write
 * to Salesforce: whatever version this record is, that push makes Conversion's value Salesforce's,
 * so taking Salesforce's older value now would only undo the edit (and the push would then send the
 * old value back). Fields the push will not write follow Salesforce: mappings that do not write,
 * outbound writes switched off, and `if_empty` mappings where Salesforce already has a value.
 */
export function withoutPendingEdits<T extends Record<string, unknown>>(
  ctx: PageContext,
  type: "contact" | "company",
  existing: EntityRow | null,
  values: T,
  record: SalesforceRecord,
): T {
  const fields = existing ? ctx.pending.get(existing.id) : undefined;
  if (!fields?.size) return values;
  const { writeLeadsAndContacts, writeAccounts } = ctx.settings.outbound;
  if (!(type === "contact" ? writeLeadsAndContacts : writeAccounts)) return values;
  const kept = new Set<string>();
  for (const m of writableMappings(ctx.settings, type)) {
    if (!fields.has(m.conversionField)) continue;
    if (m.writeRule === "if_empty" && !isEmptyValue(record[m.salesforceField])) continue;
    kept.add(m.conversionField);
  }
  // A contact's company goes to Salesforce as its Contact's AccountId.
  if (type === "contact" && fields.has("companyId")) kept.add("companyId");
  if (!kept.size) return values;
  return Object.fromEntries(Object.entries(values).filter(([k]) => !kept.has(k))) as T;
}
