// The org's metadata: the objects and fields a describe call returns and writes are checked against.
// Types, lengths and picklists follow Salesforce's standard objects; the custom parts
// (Do_Not_Sync__c, Conversion_Id__c, Conversion_Event__c) are what a Conversion customer's org adds.
import { PICKLISTS } from "./schema-picklists";

export type FieldType =
  | "id"
  | "reference"
  | "string"
  | "email"
  | "phone"
  | "url"
  | "textarea"
  | "picklist"
  | "boolean"
  | "datetime"
  | "date"
  | "currency";

export type Rec = Record<string, unknown> & { Id: string; SystemModstamp: number; IsDeleted: boolean };

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  custom: boolean;
  externalId: boolean;
  picklist?: readonly string[];
  restricted?: boolean;
  defaultValue?: string;
  referenceTo?: string;
  relationshipName?: string;
  /** Compound or auto-number fields are computed on read, never stored. */
  compute?: (r: Rec) => unknown;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  fields: FieldDef[];
  byName: Map<string, FieldDef>;
  byRelationship: Map<string, FieldDef>;
  required: FieldDef[];
}

type Opts = Partial<FieldDef>;
const base = (name: string, label: string, type: FieldType, length: number, o: Opts = {}): FieldDef => ({
  name,
  label,
  type,
  length,
  nillable: true,
  createable: true,
  updateable: true,
  defaultedOnCreate: false,
  custom: name.endsWith("__c"),
  externalId: false,
  ...o,
});
const readOnly: Opts = { createable: false, updateable: false };
const required: Opts = { nillable: false };
const text = (name: string, label: string, length: number, o?: Opts) => base(name, label, "string", length, o);
const bool = (name: string, label: string, o?: Opts) =>
  base(name, label, "boolean", 0, { nillable: false, defaultedOnCreate: true, ...o });
const ref = (name: string, label: string, to: string, rel: string, o?: Opts) =>
  base(name, label, "reference", 18, { referenceTo: to, relationshipName: rel, ...o });
const pick = (name: string, label: string, values: readonly string[], o?: Opts) =>
  base(name, label, "picklist", 255, { picklist: values, restricted: false, ...o });
const fullName = (r: Rec) => [r.FirstName, r.LastName].filter((p) => p != null && p !== "").join(" ");

function systemFields(): FieldDef[] {
  return [
    base("Id", "Record ID", "id", 18, { ...readOnly, nillable: false, defaultedOnCreate: true }),
    bool("IsDeleted", "Deleted", readOnly),
    base("CreatedDate", "Created Date", "datetime", 0, { ...readOnly, nillable: false, defaultedOnCreate: true }),
    ref("CreatedById", "Created By ID", "User", "CreatedBy", { ...readOnly, nillable: false, defaultedOnCreate: true }),
    base("LastModifiedDate", "Last Modified Date", "datetime", 0, {
      ...readOnly,
      nillable: false,
      defaultedOnCreate: true,
    }),
    ref("LastModifiedById", "Last Modified By ID", "User", "LastModifiedBy", {
      ...readOnly,
      nillable: false,
      defaultedOnCreate: true,
    }),
    base("SystemModstamp", "System Modstamp", "datetime", 0, { ...readOnly, nillable: false, defaultedOnCreate: true }),
  ];
}

// Set on the records a merge deleted, pointing at the record that won.
const masterRecord = (object: string): FieldDef =>
  ref("MasterRecordId", `Master Record ID`, object, "MasterRecord", readOnly);

const syncFields = (): FieldDef[] => [
  bool("Do_Not_Sync__c", "Do Not Sync"),
  text("Conversion_Id__c", "Conversion ID", 64, { externalId: true }),
];

function defineObject(name: string, label: string, labelPlural: string, keyPrefix: string, own: FieldDef[]): ObjectDef {
  const fields = [...systemFields(), ...own];
  const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  const byRelationship = new Map(
    fields.filter((f) => f.relationshipName).map((f) => [f.relationshipName!.toLowerCase(), f]),
  );
  const requiredFields = fields.filter((f) => !f.nillable && f.createable && !f.defaultedOnCreate);
  return {
    name,
    label,
    labelPlural,
    keyPrefix,
    custom: name.endsWith("__c"),
    fields,
    byName,
    byRelationship,
    required: requiredFields,
  };
}

const OBJECTS: ObjectDef[] = [
  defineObject("Account", "Account", "Accounts", "001", [
    text("Name", "Account Name", 255, required),
    base("Website", "Website", "url", 255),
    pick("Industry", "Industry", PICKLISTS.Industry, { restricted: true }),
    masterRecord("Account"),
    ...syncFields(),
  ]),
  defineObject("Contact", "Contact", "Contacts", "003", [
    text("FirstName", "First Name", 40),
    text("LastName", "Last Name", 80, required),
    text("Name", "Full Name", 121, { ...readOnly, compute: fullName }),
    base("Email", "Email", "email", 80),
    text("Title", "Title", 128),
    base("Phone", "Business Phone", "phone", 40),
    ref("AccountId", "Account ID", "Account", "Account"),
    pick("LeadSource", "Lead Source", PICKLISTS.LeadSource, { restricted: true }),
    masterRecord("Contact"),
    ...syncFields(),
  ]),
  defineObject("Lead", "Lead", "Leads", "00Q", [
    text("FirstName", "First Name", 40),
    text("LastName", "Last Name", 80, required),
    text("Name", "Full Name", 121, { ...readOnly, compute: fullName }),
    text("Company", "Company", 255, required),
    text("Title", "Title", 128),
    base("Email", "Email", "email", 80),
    base("Phone", "Phone", "phone", 40),
    pick("LeadSource", "Lead Source", PICKLISTS.LeadSource, { restricted: true }),
    pick("Status", "Lead Status", PICKLISTS.LeadStatus, {
      nillable: false,
      defaultedOnCreate: true,
      defaultValue: "Open - Not Contacted",
    }),
    bool("IsConverted", "Converted", { updateable: false }),
    base("ConvertedDate", "Converted Date", "date", 0, readOnly),
    ref("ConvertedAccountId", "Converted Account ID", "Account", "ConvertedAccount", readOnly),
    ref("ConvertedContactId", "Converted Contact ID", "Contact", "ConvertedContact", readOnly),
    masterRecord("Lead"),
    ...syncFields(),
  ]),
  defineObject("Opportunity", "Opportunity", "Opportunities", "006", [
    text("Name", "Name", 120, required),
    pick("StageName", "Stage", PICKLISTS.StageName, required),
    base("Amount", "Amount", "currency", 0),
    base("CloseDate", "Close Date", "date", 0, required),
    ref("AccountId", "Account ID", "Account", "Account"),
  ]),
  defineObject("OpportunityContactRole", "Opportunity Contact Role", "Opportunity Contact Role", "00K", [
    ref("OpportunityId", "Opportunity ID", "Opportunity", "Opportunity", { ...required, updateable: false }),
    ref("ContactId", "Contact ID", "Contact", "Contact", required),
    pick("Role", "Role", PICKLISTS.Role),
    bool("IsPrimary", "Primary"),
  ]),
  defineObject("Conversion_Event__c", "Conversion Event", "Conversion Events", "a0X", [
    text("Name", "Event Number", 80, { ...readOnly, nillable: false, defaultedOnCreate: true }),
    text("Event_Name__c", "Event Name", 255),
    base("Email__c", "Email", "email", 80),
    text("User_Id__c", "User ID", 255),
    base("Occurred_At__c", "Occurred At", "datetime", 0),
    base("Properties__c", "Properties", "textarea", 131072),
  ]),
];

const BY_NAME = new Map(OBJECTS.map((o) => [o.name.toLowerCase(), o]));
const BY_PREFIX = new Map(OBJECTS.map((o) => [o.keyPrefix, o]));

/** Every object of the org, in the order a describeGlobal lists them. */
export const allObjects = (): readonly ObjectDef[] => OBJECTS;
/** Object by API name, case-insensitively (SOQL and REST paths both accept any case). */
export const objectByName = (name: string): ObjectDef | undefined => BY_NAME.get(name.toLowerCase());
export const objectByPrefix = (id: string): ObjectDef | undefined => BY_PREFIX.get(id.slice(0, 3));
