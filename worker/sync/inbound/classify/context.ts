import type { Mapping, Settings, WriteMode } from "../../../settings";
import type { EntitySet, EntityTable } from "../../entities";
import type { SalesforceObjectSpec } from "../../objects";
import type { RecordHead, SalesforceRecord, Verdict } from "../record";
import type { PendingEdits } from "./pending";

/** Everything a classifier needs for one page: settings, the loaded entities, the writes so far. */
export interface PageContext {
  workspaceId: string;
  salesforceObject: string;
  spec: SalesforceObjectSpec;
  settings: Settings;
  writeMode: WriteMode;
  sets: Record<EntityTable, EntitySet>;
  /** Conversion's edits of the page's contacts or companies still on their way to Salesforce. */
  pending: PendingEdits;
}

export type Classifier = (
  record: SalesforceRecord,
  head: RecordHead & { id: string; stamp: string },
  ctx: PageContext,
) => Verdict;

// A page asks for the same mappings two or three times a record: filtered once per mapping list.
// Keyed by the list itself: settings are replaced when saved (store.ts clones, arrays replace), never
// changed in place, so a list's inbound part cannot change behind the cache.
const INBOUND = new WeakMap<readonly Mapping[], readonly Mapping[]>();

/** Inbound-direction mappings of a Conversion object type (Conversion field ← Salesforce field). */
export function inboundMappings(settings: Settings, kind: "contact" | "company"): readonly Mapping[] {
  const all = settings.fieldMappings[kind];
  let inbound = INBOUND.get(all);
  if (!inbound) {
    inbound = all.filter((m) => m.direction !== "outbound");
    INBOUND.set(all, inbound);
  }
  return inbound;
}

/** A sync rule of the object matches: the record is excluded on purpose. */
export function excludedByRule(record: SalesforceRecord, ctx: PageContext): boolean {
  return ctx.settings.syncRules.some(
    (rule) => rule.object === ctx.salesforceObject && (record[rule.field] ?? null) === rule.equals,
  );
}

/**
 * The write mode decides whether a found or missing entity may be written: update-only never
 * creates, create-only never touches an existing row.
 */
export function writeModeAllows(mode: WriteMode, exists: boolean): boolean {
  return mode === "create_or_update" || (mode === "update_only" ? exists : !exists);
}

/** Salesforce fields a page must read for this object, beyond the spec's own. */
export function extraFields(ctx: Pick<PageContext, "settings" | "salesforceObject" | "spec">): string[] {
  const fields = new Set<string>();
  for (const rule of ctx.settings.syncRules) if (rule.object === ctx.salesforceObject) fields.add(rule.field);
  const kind =
    ctx.spec.kind === "account"
      ? "company"
      : ctx.spec.kind === "lead" || ctx.spec.kind === "contact"
        ? "contact"
        : null;
  if (kind) for (const m of inboundMappings(ctx.settings, kind)) fields.add(m.salesforceField);
  return [...fields];
}
