import type { SalesforceClient } from "../../salesforce";
import { SYSTEM_FIELDS } from "../objects";
import type { SalesforceRecord } from "./record";

// Ids per SOQL `Id IN (...)`: well inside Salesforce's URL and 100,000-character query limits.
export const IDS_PER_QUERY = 500;

/** Whether a string is a Salesforce id, and so safe to put in SOQL. */
export function isSalesforceId(id: string): boolean {
  return /^[a-zA-Z0-9]{15,18}$/.test(id);
}

/**
 * Records by Salesforce id as Salesforce has them now, deleted and merged ones included (queryAll),
 * 500 ids a query; `fields` come from readableFields, so a field hidden by field-level security is
 * never asked for. An id Salesforce does not return is simply absent from the answer.
 */
export async function readByIds(
  sf: SalesforceClient,
  salesforceObject: string,
  fields: readonly string[],
  ids: readonly string[],
): Promise<SalesforceRecord[]> {
  const select = [...new Set([...SYSTEM_FIELDS, ...fields])].join(", ");
  const valid = ids.filter(isSalesforceId);
  const out: SalesforceRecord[] = [];
  for (let i = 0; i < valid.length; i += IDS_PER_QUERY) {
    const list = valid
      .slice(i, i + IDS_PER_QUERY)
      .map((id) => `'${id}'`)
      .join(", ");
    for await (const page of sf.queryPages(`SELECT ${select} FROM ${salesforceObject} WHERE Id IN (${list})`, {
      all: true,
    }))
      out.push(...page.records);
  }
  return out;
}
