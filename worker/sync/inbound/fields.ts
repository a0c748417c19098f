import type { Db } from "../../db";
import { type DescribedObject, describeCached, type SalesforceClient, SalesforceError } from "../../salesforce";
import type { Settings } from "../../settings";
import type { SalesforceObjectSpec } from "../objects";
import { extraFields, inboundMappings } from "./classify";

/** The fields a read of this object asks for: the object's own, sync rule fields and inbound mappings. */
export function wantedFields(settings: Settings, salesforceObject: string, spec: SalesforceObjectSpec): string[] {
  return [...new Set([...spec.fields, ...extraFields({ settings, salesforceObject, spec })])];
}

/**
 * Fields a read cannot do without: the keyset (Id, SystemModstamp), for people their email, and the
 * object's sync rule fields (unread, "Do not sync" could not keep out the records it names).
 */
export function requiredFields(settings: Settings, spec: SalesforceObjectSpec, salesforceObject: string): string[] {
  const required = ["Id", "SystemModstamp"];
  for (const rule of settings.syncRules) if (rule.object === salesforceObject) required.push(rule.field);
  if (spec.kind === "lead" || spec.kind === "contact") {
    required.push(
      inboundMappings(settings, "contact").find((m) => m.conversionField === "email")?.salesforceField ?? "Email",
    );
  }
  return required;
}

export interface FieldAccess {
  /** What the integration user can read of what the sync wants, in the wanted order. */
  readable: string[];
  /** Wanted fields field-level security hides: left out of the query, named in a warning. */
  hidden: string[];
  /** Required fields it hides: the object cannot sync. */
  missingRequired: string[];
}

/** Intersects what the sync wants with what describe shows the integration user (case-insensitive, as SOQL). */
export function fieldAccess(
  wanted: string[],
  required: string[],
  described: Pick<DescribedObject, "fields">,
): FieldAccess {
  const visible = new Set(described.fields.map((f) => f.name.toLowerCase()));
  const readable = wanted.filter((f) => visible.has(f.toLowerCase()));
  const hidden = wanted.filter((f) => !visible.has(f.toLowerCase()));
  const missingRequired = [...new Set(required)].filter((f) => !visible.has(f.toLowerCase()));
  return { readable, hidden, missingRequired };
}

/** The run's failure when a field the sync cannot do without is hidden: which field, and what to do. */
export function requiredFieldError(salesforceObject: string, missing: string[]): SalesforceError {
  const names = missing.map((f) => `${salesforceObject}.${f}`).join(", ");
  return new SalesforceError({
    failureCode: "insufficient_permissions",
    sfErrorCode: "FIELD_NOT_READABLE",
    message: `The integration user cannot read ${names} (field-level security), and ${salesforceObject} cannot sync without ${missing.length > 1 ? "them" : "it"}. Give the integration user's permission set read access to ${missing.join(", ")} on ${salesforceObject}; the next run picks it up`,
  });
}

/**
 * The fields this read may ask for: what it wants, less what field-level security hides from the
 * integration user (describe, cached in D1 for an hour). A hidden required field fails the run.
 */
export async function readableFields(
  db: Db,
  sf: SalesforceClient,
  workspaceId: string,
  salesforceObject: string,
  settings: Settings,
  spec: SalesforceObjectSpec,
): Promise<string[]> {
  const described = await describeCached(db, workspaceId, salesforceObject, sf, { orgId: sf.orgId });
  const access = fieldAccess(
    wantedFields(settings, salesforceObject, spec),
    requiredFields(settings, spec, salesforceObject),
    described,
  );
  if (access.missingRequired.length) throw requiredFieldError(salesforceObject, access.missingRequired);
  return access.readable;
}
