// Describe output in Salesforce's shapes (the commonly read subset of its properties).
import type { FieldDef, ObjectDef } from "./schema";
import { allObjects } from "./schema";

const SOAP: Record<string, string> = {
  id: "tns:ID",
  reference: "tns:ID",
  boolean: "xsd:boolean",
  datetime: "xsd:dateTime",
  date: "xsd:date",
  currency: "xsd:double",
};

export function objectUrls(def: ObjectDef, version: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${def.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

function describeField(f: FieldDef): Record<string, unknown> {
  const text = !SOAP[f.type];
  const longText = f.type === "textarea" && f.length > 255;
  return {
    aggregatable: !longText,
    autoNumber: f.name === "Name" && f.defaultedOnCreate && !f.createable,
    byteLength: text ? f.length * 3 : f.type === "id" || f.type === "reference" ? 18 : 0,
    calculated: !!f.compute,
    caseSensitive: false,
    createable: f.createable,
    custom: f.custom,
    defaultValue: f.type === "boolean" ? false : null,
    defaultedOnCreate: f.defaultedOnCreate,
    digits: 0,
    externalId: f.externalId,
    filterable: !longText,
    groupable: !longText && f.type !== "datetime",
    idLookup: f.name === "Id" || f.externalId || f.type === "email",
    label: f.label,
    length: text ? f.length : 0,
    name: f.name,
    nameField: f.name === "Name",
    nillable: f.nillable,
    picklistValues: (f.picklist ?? []).map((value) => ({
      active: true,
      defaultValue: value === f.defaultValue,
      label: value,
      validFor: null,
      value,
    })),
    precision: f.type === "currency" ? 18 : 0,
    referenceTo: f.referenceTo ? [f.referenceTo] : [],
    relationshipName: f.relationshipName ?? null,
    restrictedPicklist: !!f.restricted,
    scale: f.type === "currency" ? 2 : 0,
    soapType: SOAP[f.type] ?? "xsd:string",
    sortable: !longText,
    type: f.type,
    unique: f.externalId,
    updateable: f.updateable,
  };
}

function childRelationships(def: ObjectDef): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const child of allObjects()) {
    for (const f of child.fields) {
      if (f.referenceTo !== def.name || f.name.startsWith("Converted") || f.name === "MasterRecordId") continue;
      out.push({
        cascadeDelete: child.name !== "Lead",
        childSObject: child.name,
        deprecatedAndHidden: false,
        field: f.name,
        relationshipName: null,
      });
    }
  }
  return out;
}

/** The object-level properties shared by describeGlobal, the basic info and the full describe. */
export function objectSummary(def: ObjectDef, version: string): Record<string, unknown> {
  return {
    activateable: false,
    createable: true,
    custom: def.custom,
    customSetting: false,
    deletable: true,
    deprecatedAndHidden: false,
    feedEnabled: false,
    hasSubtypes: false,
    isSubtype: false,
    keyPrefix: def.keyPrefix,
    label: def.label,
    labelPlural: def.labelPlural,
    layoutable: true,
    mergeable: def.name !== "Opportunity",
    mruEnabled: true,
    name: def.name,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: true,
    updateable: true,
    urls: objectUrls(def, version),
  };
}

/** The full describe as the integration user sees it: fields hidden from it by field-level security are absent. */
export function describeObject(
  def: ObjectDef,
  version: string,
  hidden: (field: string) => boolean = () => false,
): Record<string, unknown> {
  return {
    ...objectSummary(def, version),
    actionOverrides: [],
    childRelationships: childRelationships(def),
    compactLayoutable: true,
    fields: def.fields.filter((f) => !hidden(f.name)).map(describeField),
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: [],
    supportedScopes: [{ label: "All records", name: "everything" }],
  };
}
