// What happens to records besides edits, as the admin endpoints drive it: lead conversion,
// merges, hard deletes, an emptied recycle bin, and time passing for the bin's 15 days.
import { formatDate } from "./clock";
import { normalizeId } from "./ids";
import { emptyRecycleBin, hardDelete } from "./recycle-bin";
import { changedRow, newRow } from "./rows";
import { objectByName, type Rec } from "./schema";
import type { Org } from "./state";
import { softDelete } from "./writes";

class LifecycleError extends Error {}

function live(org: Org, object: string, raw: unknown): Rec {
  const id = typeof raw === "string" ? normalizeId(raw) : null;
  const row = id ? org.store.table(object)!.byId.get(id) : undefined;
  if (!row || row.IsDeleted) throw new LifecycleError(`No live ${object} with Id ${String(raw)}`);
  return row;
}

function create(org: Org, object: string, values: Record<string, unknown>, stamp: number): Rec {
  const table = org.store.table(object)!;
  const row = newRow(table.def, values, {
    id: org.ids.next(table.def.keyPrefix),
    created: stamp,
    modified: stamp,
    stamp,
    userId: org.userId,
  });
  org.store.insert(table, row);
  return row;
}

/**
 * convertLead(): the Lead becomes a Contact (new, or an existing one named by contactId) under an
 * Account (new from the Lead's Company, or the one named); the Lead stays, read-only, with
 * IsConverted, ConvertedContactId, ConvertedAccountId and ConvertedDate. One transaction, one stamp.
 */
export function convertLead(org: Org, body: Record<string, unknown>) {
  const lead = live(org, "Lead", body.leadId);
  if (lead.IsConverted) throw new LifecycleError(`Lead ${lead.Id} is already converted`);
  const stamp = org.clock.stamp();
  const existing = body.contactId ? live(org, "Contact", body.contactId) : null;
  const accountId = body.accountId
    ? live(org, "Account", body.accountId).Id
    : ((existing?.AccountId as string | null) ?? create(org, "Account", { Name: lead.Company }, stamp).Id);
  const contact =
    existing ??
    create(
      org,
      "Contact",
      {
        FirstName: lead.FirstName,
        LastName: lead.LastName,
        Email: lead.Email,
        Title: lead.Title,
        Phone: lead.Phone,
        LeadSource: lead.LeadSource,
        AccountId: accountId,
      },
      stamp,
    );
  const leads = org.store.table("Lead")!;
  org.store.replace(
    leads,
    changedRow(
      lead,
      {
        IsConverted: true,
        Status: "Closed - Converted",
        ConvertedContactId: contact.Id,
        ConvertedAccountId: accountId,
        ConvertedDate: formatDate(stamp),
      },
      stamp,
      org.userId,
    ),
  );
  return { leadId: lead.Id, contactId: contact.Id, accountId, success: true };
}

// Records that point at a merged record move to the master, as merge() reparents related records.
const RELATED: Record<string, [string, string][]> = {
  Account: [
    ["Contact", "AccountId"],
    ["Opportunity", "AccountId"],
  ],
  Contact: [["OpportunityContactRole", "ContactId"]],
  Lead: [],
};

/**
 * merge(): up to two records merge into a master of the same object (Lead, Contact, Account). The
 * losers are deleted with MasterRecordId set to the master, their related records move to the master.
 */
export function mergeRecords(org: Org, body: Record<string, unknown>) {
  const def = objectByName(String(body.object ?? ""));
  if (!def || !(def.name in RELATED)) throw new LifecycleError("merge takes a Lead, Contact or Account");
  const ids = Array.isArray(body.ids) ? body.ids : [];
  if (ids.length < 1 || ids.length > 2) throw new LifecycleError("merge takes one or two records besides the master");
  const master = live(org, def.name, body.masterId);
  const losers = ids.map((id) => live(org, def.name, id));
  if (losers.some((l) => l.Id === master.Id)) throw new LifecycleError("the master cannot merge into itself");
  const stamp = org.clock.stamp();
  const updatedRelatedIds: string[] = [];
  for (const loser of losers) {
    for (const [child, field] of RELATED[def.name]!) {
      const table = org.store.table(child)!;
      for (const r of table.rows.filter((r) => r[field] === loser.Id && !r.IsDeleted)) {
        org.store.replace(table, changedRow(r, { [field]: master.Id }, stamp, org.userId));
        updatedRelatedIds.push(r.Id);
      }
    }
    softDelete(org, def, loser.Id, stamp, { MasterRecordId: master.Id });
  }
  const table = org.store.table(def.name)!;
  org.store.replace(table, changedRow(master, {}, stamp, org.userId));
  return { id: master.Id, success: true, mergedRecordIds: losers.map((l) => l.Id), updatedRelatedIds };
}

/** Hard delete (no recycle bin) of the given ids; answers the ids that existed. */
export function hardDeleteRecords(org: Org, object: string, rawIds: unknown[]): string[] {
  const def = objectByName(object);
  if (!def) throw new LifecycleError("unknown object");
  const ids = rawIds.map((i) => normalizeId(String(i)) ?? String(i));
  return ids.filter((id) => hardDelete(org, def, id));
}

/** POST /__fake/recycle-bin {object?}: empties the bin. */
export function emptyBin(org: Org, body: Record<string, unknown>) {
  const object = body.object === undefined ? undefined : objectByName(String(body.object))?.name;
  if (body.object !== undefined && !object) throw new LifecycleError("unknown object");
  return { purged: emptyRecycleBin(org, object) };
}

/** POST /__fake/clock {advanceSeconds}: the org's time moves on (never back). */
export function advanceClock(org: Org, body: Record<string, unknown>) {
  const seconds = Number(body.advanceSeconds ?? 0);
  if (!Number.isFinite(seconds) || seconds < 0) throw new LifecycleError("advanceSeconds must be a number ≥ 0");
  org.clock.advance(seconds * 1000);
  return { now: new Date(org.clock.now()).toISOString() };
}
