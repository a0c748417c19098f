import type { EntityRow, EntitySet } from "../../entities";
import { type SalesforceRecord, text, type Verdict } from "../record";
import { settleDelete } from "./settle";

/**
 * Moves a Conversion record to another Salesforce record that now holds its data (a converted
 * Lead's Contact, a merge's winner). The stamp is cleared: the new record's versions are all newer
 * than what Conversion has of it, whatever their SystemModstamp.
 */
export function relink(set: EntitySet, linked: EntityRow, to: string, salesforceObject?: string): Verdict {
  const next: EntityRow = {
    ...linked,
    salesforceId: to,
    sfModstamp: null,
    ...(salesforceObject ? { salesforceObject } : {}),
  };
  set.put(next, linked);
  return {
    outcome: "write",
    action: "updated",
    conversionId: linked.id,
    changes: [{ field: "salesforceId", from: linked.salesforceId, to }],
  };
}

/**
 * A deleted Lead, Contact or Account. A merge's loser (MasterRecordId set) is not a loss: its
 * Conversion record is folded into the winner's (what pointed at it now points at the winner), or,
 * when Conversion has no record of the winner yet, becomes the winner's. Anything else is a delete.
 */
export function settleRemoval(set: EntitySet, linked: EntityRow | null, record: SalesforceRecord): Verdict {
  const master = text(record, "MasterRecordId");
  if (!linked || !master || master === linked.salesforceId) return settleDelete(set, linked);
  const winner = set.bySalesforceId.get(master);
  if (!winner) return relink(set, linked, master);
  if (winner.id === linked.id) return { outcome: "unchanged", conversionId: linked.id };
  set.fold(linked, winner);
  return {
    outcome: "delete",
    conversionId: linked.id,
    changes: [{ field: "mergedInto", from: linked.id, to: winner.id }],
  };
}
