import type { Settings } from "../../settings";
import type { EntityRow, EntitySet } from "../entities";
import { NOT_PROVIDED } from "../objects";
import type { OutboundSkipCode } from "../reasons";
import type { EntityChange } from "./claim";
import { type FieldPush, fieldsToPush, writableMappings } from "./fields";
import type { EntityType } from "./message";

export type PushObject = "Lead" | "Contact" | "Account";

export interface PlanContext {
  type: EntityType;
  settings: Settings;
  entities: EntitySet;
  /** Companies the contacts point at: a Lead's Company, a Contact's AccountId. */
  companies: EntitySet;
  /** Creates wait: another org was connected and its backfill has not linked records again yet (hold.ts). */
  createsWait: boolean;
}

/** What one collapsed change becomes. */
export type Planned =
  /** Deleted in Conversion: nothing to push, no run record. */
  | { kind: "drop"; change: EntityChange }
  /** A create that waits, pending, until the new org's backfill has linked records again. */
  | { kind: "hold"; change: EntityChange }
  | {
      kind: "skip";
      change: EntityChange;
      object: PushObject;
      entity: EntityRow;
      code: OutboundSkipCode;
      detail: string | null;
    }
  | {
      kind: "write";
      change: EntityChange;
      object: PushObject;
      entity: EntityRow;
      mode: "create" | "update";
      salesforceId: string | null;
      fields: FieldPush[];
    };

const PREFIXES: Record<string, PushObject> = { "00Q": "Lead", "003": "Contact", "001": "Account" };

function linkedObject(entity: EntityRow, type: EntityType): PushObject {
  if (type === "company") return "Account";
  const named = entity.salesforceObject;
  if (named === "Lead" || named === "Contact") return named;
  return PREFIXES[String(entity.salesforceId).slice(0, 3)] === "Contact" ? "Contact" : "Lead";
}

/**
 * Decides, from settings and the entity's current state, whether and how a change goes to
 * Salesforce. Deletes are dropped on purpose: a marketing tool must never destroy CRM data, and a
 * contact removed from Conversion is still a person the sales team works with.
 */
export function planChange(ctx: PlanContext, change: EntityChange): Planned {
  const entity = ctx.entities.byId.get(change.entityId);
  if (change.deleted || !entity) return { kind: "drop", change };
  const linked = entity.salesforceId !== null;
  const object: PushObject = linked ? linkedObject(entity, ctx.type) : ctx.type === "company" ? "Account" : "Lead";
  const skip = (code: OutboundSkipCode, detail: string | null = null): Planned => ({
    kind: "skip",
    change,
    object,
    entity,
    code,
    detail,
  });

  const { writeLeadsAndContacts, writeAccounts, createLeads } = ctx.settings.outbound;
  if (ctx.type === "contact" && !writeLeadsAndContacts)
    return skip("object_write_disabled", "“Write changes to Salesforce leads and contacts” is off");
  if (ctx.type === "company" && !writeAccounts)
    return skip("object_write_disabled", "“Write changes to Salesforce accounts” is off");
  if (ctx.type === "contact" && !linked && !createLeads) {
    return skip(
      "object_write_disabled",
      "The contact is not in Salesforce yet and creating Leads for new contacts is off",
    );
  }

  const fields = fieldsToPush(entity, writableMappings(ctx.settings, ctx.type), linked ? change.changedFields : null);
  if (linked) {
    if (object === "Contact" && change.changedFields.has("companyId")) fields.push(...accountLink(ctx, entity));
    if (!fields.length) return skip("no_fields_to_update");
    return { kind: "write", change, object, entity, mode: "update", salesforceId: entity.salesforceId, fields };
  }
  if (ctx.createsWait) return { kind: "hold", change };
  for (const [field, value] of Object.entries(requiredOnCreate(ctx, entity))) {
    if (!fields.some((f) => f.field === field)) fields.push({ field, value, ifEmpty: false });
  }
  return { kind: "write", change, object, entity, mode: "create", salesforceId: null, fields };
}

/**
 * A Contact's account follows the contact's company when that company is in Salesforce; otherwise
 * the association is left as Salesforce has it (there is no Account to point at yet).
 */
function accountLink(ctx: PlanContext, entity: EntityRow): FieldPush[] {
  if (entity.companyId === null || entity.companyId === undefined)
    return [{ field: "AccountId", value: null, ifEmpty: false }];
  const accountId = ctx.companies.byId.get(String(entity.companyId))?.salesforceId;
  return accountId ? [{ field: "AccountId", value: accountId, ifEmpty: false }] : [];
}

function requiredOnCreate(ctx: PlanContext, entity: EntityRow): Record<string, unknown> {
  if (ctx.type === "company") return { Name: entity.name ?? NOT_PROVIDED };
  const company = entity.companyId ? ctx.companies.byId.get(String(entity.companyId)) : undefined;
  return { LastName: entity.lastName ?? NOT_PROVIDED, Company: company?.name ?? NOT_PROVIDED };
}
