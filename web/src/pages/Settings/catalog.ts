import { computed, signal } from "@preact/signals";
import { api, errorText } from "../../api/client";
import type { Catalog, MappingKind, SalesforceField } from "../../api/settings";

// The field lists the Settings screen chooses from (GET /settings/catalog): Conversion's fields,
// and the org's per object from describe. Without them every field picker is a plain text input.

export const catalog = signal<Catalog | null>(null);
export const catalogPhase = signal<"loading" | "ready" | "error">("loading");
export const catalogError = signal<string | null>(null);

export async function loadCatalog(refresh = false) {
  catalogPhase.value = "loading";
  try {
    catalog.value = await api<Catalog>("/settings/catalog", { query: { refresh: refresh ? "true" : null } });
    catalogPhase.value = "ready";
  } catch (e) {
    catalogError.value = errorText(e);
    catalogPhase.value = "error";
  }
}

const byLabel = (a: { label: string }, b: { label: string }) => a.label.localeCompare(b.label);

/** The org's readable fields of one object, by label; null when the org's fields are not known. */
export function orgFields(object: string): SalesforceField[] | null {
  const o = catalog.value?.salesforce.objects[object];
  return o && !o.error ? [...o.fields].sort(byLabel) : null;
}

/**
 * Salesforce fields a mapping of this kind may name: an Account's for companies; for contacts the
 * fields Leads and Contacts both have, since a contact is pushed to whichever one it is linked to.
 */
export const mappingFields = computed<Record<MappingKind, SalesforceField[] | null>>(() => {
  const lead = orgFields("Lead");
  const contact = orgFields("Contact");
  let people: SalesforceField[] | null = contact ?? lead;
  if (lead && contact) {
    const onLead = new Set(lead.map((f) => f.name));
    people = contact.filter((f) => onLead.has(f.name));
  }
  return { contact: people, company: orgFields("Account") };
});

/** A field's label in the org, or its API name when describe does not know it. */
export function fieldLabel(object: string, name: string): string {
  return catalog.value?.salesforce.objects[object]?.fields.find((f) => f.name === name)?.label ?? name;
}
