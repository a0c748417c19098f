import type { SalesforceClient } from "../../salesforce";
import { isSalesforceId } from "../inbound/by-ids";
import { readHead } from "../inbound/record";

/** Ids per call, as the id-only query asks Salesforce for them. */
export const IDS_PER_PAGE = 2_000;

export function checkedId(id: string): string {
  if (!isSalesforceId(id)) throw new Error(`not a Salesforce id: ${id}`);
  return id;
}

/** The object's next page of Salesforce ids after `after`, in id order (id only: the cheapest read). */
export async function salesforceIds(sf: SalesforceClient, object: string, after: string): Promise<string[]> {
  const where = after ? ` WHERE Id > '${checkedId(after)}'` : "";
  const ids: string[] = [];
  for await (const page of sf.queryPages(`SELECT Id FROM ${object}${where} ORDER BY Id ASC LIMIT ${IDS_PER_PAGE}`, {
    batchSize: IDS_PER_PAGE,
  })) {
    for (const r of page.records) {
      const id = readHead(r).id;
      if (id) ids.push(id);
    }
  }
  return ids;
}

/** How many records of the object the integration user sees in Salesforce (one COUNT() call). */
export async function salesforceCount(sf: SalesforceClient, object: string): Promise<number> {
  for await (const page of sf.queryPages(`SELECT COUNT() FROM ${object}`)) return page.totalSize;
  return 0;
}
