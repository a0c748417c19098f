// The Salesforce objects the sync knows, in the order one inbound cycle visits them, so that
// accounts exist before contacts point at them and opportunities before their contact roles.

import type { ObjectType } from "../db/schema/enums";

export { OBJECT_TYPES, type ObjectType } from "../db/schema/enums";

export type InboundKind = "lead" | "contact" | "account" | "opportunity" | "role" | "event";

export interface SalesforceObjectSpec {
  /** How the inbound classifier treats its records. */
  kind: InboundKind;
  objectType: ObjectType;
  /** Fields read besides the system fields (Id, CreatedDate, LastModifiedDate, SystemModstamp, IsDeleted). */
  fields: readonly string[];
}

/**
 * What outbound writes into a field Salesforce requires (a Lead's LastName and Company, an
 * Account's Name) when Conversion has no value. Inbound reads it back as no value: it is ours,
 * not the user's, and must not land in Conversion as a last name.
 */
export const NOT_PROVIDED = "[not provided]";

export const SYSTEM_FIELDS = ["Id", "CreatedDate", "LastModifiedDate", "SystemModstamp", "IsDeleted"] as const;

const STANDARD: Record<string, SalesforceObjectSpec> = {
  Account: { kind: "account", objectType: "company", fields: ["Name", "Website", "Industry", "MasterRecordId"] },
  Lead: {
    kind: "lead",
    objectType: "contact",
    fields: [
      "Email",
      "FirstName",
      "LastName",
      "Company",
      "Title",
      "Phone",
      "LeadSource",
      "IsConverted",
      "ConvertedContactId",
      "MasterRecordId",
    ],
  },
  Contact: {
    kind: "contact",
    objectType: "contact",
    fields: ["Email", "FirstName", "LastName", "Title", "Phone", "AccountId", "LeadSource", "MasterRecordId"],
  },
  Opportunity: {
    kind: "opportunity",
    objectType: "opportunity",
    fields: ["Name", "StageName", "Amount", "CloseDate", "AccountId"],
  },
  OpportunityContactRole: {
    kind: "role",
    objectType: "opportunity_contact_role",
    fields: ["OpportunityId", "ContactId", "Role", "IsPrimary"],
  },
};

const EVENT_FIELDS = ["Event_Name__c", "Email__c", "User_Id__c", "Occurred_At__c", "Properties__c"];

/** Dependency order of one inbound cycle; the event object (named in settings) comes last. */
export function cycleOrder(eventObject: string): string[] {
  return ["Account", "Lead", "Contact", "Opportunity", "OpportunityContactRole", eventObject];
}

export function objectSpec(salesforceObject: string, eventObject: string): SalesforceObjectSpec | null {
  if (STANDARD[salesforceObject]) return STANDARD[salesforceObject];
  if (salesforceObject === eventObject) return { kind: "event", objectType: "event", fields: EVENT_FIELDS };
  return null;
}

/** The Salesforce objects that carry a Conversion object type (used by filters and "Sync now"). */
export function objectTypeOf(salesforceObject: string, eventObject: string): ObjectType | null {
  return objectSpec(salesforceObject, eventObject)?.objectType ?? null;
}
