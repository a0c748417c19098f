import type { Direction } from "../api/types";
import { catalog, loadCatalog } from "../pages/Settings/catalog";

// Field names in words for "What changed": inbound changes name Conversion's fields, outbound
// changes Salesforce's. Salesforce's own labels come from the org's describe (GET
// /settings/catalog, the Settings screen's field lists, loaded once when a page shows changes);
// until then, or without a connection, the defaults below cover the fields the sync maps out of the box.

const CONVERSION: Record<string, string> = {
  email: "Email",
  firstName: "First name",
  lastName: "Last name",
  title: "Title",
  phone: "Phone",
  userId: "User ID",
  companyId: "Company",
  name: "Name",
  domain: "Domain",
  industry: "Industry",
  stageName: "Stage",
  amount: "Amount",
  closeDate: "Close date",
  opportunityId: "Opportunity",
  contactId: "Contact",
  role: "Role",
  isPrimary: "Primary contact",
  occurredAt: "Occurred at",
  properties: "Properties",
};

const SALESFORCE: Record<string, string> = {
  Email: "Email",
  FirstName: "First Name",
  LastName: "Last Name",
  Title: "Title",
  Phone: "Phone",
  Company: "Company",
  AccountId: "Account ID",
  Name: "Account Name",
  Website: "Website",
  Industry: "Industry",
  LeadSource: "Lead Source",
};

let asked = false;

/** Loads the field lists (the Settings screen's, shared) once per visit; the defaults stand in meanwhile or if it fails. */
export function loadFieldLabels() {
  if (asked || catalog.peek()) return;
  asked = true;
  void loadCatalog();
}

/** A changed field in words: "First name" (Conversion), "First Name" (Salesforce, the org's own label). */
export function fieldLabel(field: string, direction: Direction | undefined, salesforceObject: string): string {
  const c = catalog.value;
  // Without the direction, Salesforce's API names are the capitalised ones.
  const outbound = direction ? direction === "outbound" : /^[A-Z]/.test(field);
  if (outbound) {
    const org = c?.salesforce.objects[salesforceObject]?.fields.find((f) => f.name === field)?.label;
    return org ?? SALESFORCE[field] ?? field;
  }
  const own = c && Object.values(c.conversion).flatMap((list) => list.find((f) => f.name === field) ?? [])[0]?.label;
  return own ?? CONVERSION[field] ?? field;
}

/** Conversion's record ids, as the engines make them: a type prefix and a random token. */
export const CONVERSION_ID = /^(ct|co|op|ocr|ev)_[A-Za-z0-9_-]+$/;
