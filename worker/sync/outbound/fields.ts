import { COMPANY_FIELDS, CONTACT_FIELDS, type Mapping, type Settings } from "../../settings";
import type { EntityType } from "./message";

/** One Salesforce field a push would write, before the Salesforce side is known. */
export interface FieldPush {
  field: string;
  value: unknown;
  /** Written only if Salesforce's current value is empty (write rule `if_empty`). */
  ifEmpty: boolean;
}

/** Mappings that may write to Salesforce: direction outbound or both, and a rule other than `never`. */
export function writableMappings(settings: Settings, type: EntityType): Mapping[] {
  return settings.fieldMappings[type].filter((m) => m.direction !== "inbound" && m.writeRule !== "never");
}

/**
 * The fields to push for an entity. An update pushes only what this change touched, so a field
 * edited in Salesforce and not in Conversion is never overwritten with Conversion's older value; a
 * create pushes every mapped field that has a value.
 */
export function fieldsToPush(
  entity: Record<string, unknown>,
  mappings: Mapping[],
  changed: ReadonlySet<string> | null,
): FieldPush[] {
  const out = new Map<string, FieldPush>();
  for (const m of mappings) {
    if (changed && !changed.has(m.conversionField)) continue;
    const value = entity[m.conversionField] ?? null;
    if (!changed && value === null) continue;
    // Two mappings onto one Salesforce field: the first wins, as the settings list them.
    if (!out.has(m.salesforceField))
      out.set(m.salesforceField, { field: m.salesforceField, value, ifEmpty: m.writeRule === "if_empty" });
  }
  return [...out.values()];
}

/** Salesforce's "empty": no value, or only whitespace. */
export function isEmptyValue(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === "string" && value.trim() === "");
}

/** Every Conversion field a push of the entity's whole current state covers (a retry, a follow-up). */
export const ALL_FIELDS: Record<EntityType, string[]> = {
  contact: [...CONTACT_FIELDS, "companyId"],
  company: [...COMPANY_FIELDS],
};
