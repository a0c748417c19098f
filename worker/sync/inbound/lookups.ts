import type { Db } from "../../db";
import { companies, contacts, events, opportunities, opportunityContactRoles } from "../../db/schema";
import { EntitySet, type EntityTable, inJson, loadInto } from "../entities";
import type { InboundKind } from "../objects";
import { normaliseEmail, readId, type SalesforceRecord, text } from "./record";

export type PageSets = Record<EntityTable, EntitySet>;

function values(records: SalesforceRecord[], field: string): string[] {
  const out = new Set<string>();
  for (const r of records) {
    const v = text(r, field);
    if (v) out.add(v);
  }
  return [...out];
}

function emails(records: SalesforceRecord[], field: string): string[] {
  return values(records, field)
    .map((e) => normaliseEmail(e))
    .filter((e): e is string => e !== null);
}

/**
 * Loads, in as few queries as the object needs (one or two), every Conversion row a page of
 * records can touch: their own rows, and the rows they point at.
 */
export async function loadPageSets(
  db: Db,
  workspaceId: string,
  kind: InboundKind,
  records: SalesforceRecord[],
  emailField: string,
): Promise<PageSets> {
  const sets: PageSets = {
    contacts: new EntitySet("contacts"),
    companies: new EntitySet("companies"),
    opportunities: new EntitySet("opportunities"),
    roles: new EntitySet("roles"),
    events: new EntitySet("events"),
  };
  const ids = records.map(readId).filter((id): id is string => id !== null);
  const loads: Promise<void>[] = [];
  const load = (name: EntityTable, conditions: ReturnType<typeof inJson>[]) =>
    loads.push(loadInto(db, sets[name], workspaceId, conditions));
  switch (kind) {
    case "lead":
    case "contact":
      // Also the Contacts converted Leads became and the winners of merges: they take over a record.
      load("contacts", [
        inJson(contacts.salesforceId, [
          ...ids,
          ...values(records, "ConvertedContactId"),
          ...values(records, "MasterRecordId"),
        ]),
        inJson(contacts.email, emails(records, emailField)),
      ]);
      if (kind === "contact") load("companies", [inJson(companies.salesforceId, values(records, "AccountId"))]);
      break;
    case "account":
      load("companies", [inJson(companies.salesforceId, [...ids, ...values(records, "MasterRecordId")])]);
      break;
    case "opportunity":
      load("opportunities", [inJson(opportunities.salesforceId, ids)]);
      load("companies", [inJson(companies.salesforceId, values(records, "AccountId"))]);
      break;
    case "role":
      load("roles", [inJson(opportunityContactRoles.salesforceId, ids)]);
      load("opportunities", [inJson(opportunities.salesforceId, values(records, "OpportunityId"))]);
      load("contacts", [inJson(contacts.salesforceId, values(records, "ContactId"))]);
      break;
    case "event":
      load("events", [inJson(events.salesforceId, ids)]);
      load("contacts", [
        inJson(contacts.email, emails(records, "Email__c")),
        inJson(contacts.userId, values(records, "User_Id__c")),
      ]);
      break;
  }
  await Promise.all(loads);
  return sets;
}
