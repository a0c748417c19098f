// The recycle bin and delete log behind queryAll and getDeleted. A soft-deleted row stays 15 days,
// then the org purges it; a hard delete or an emptied bin removes rows at once. Every physical
// removal moves the object's earliestDateAvailable, the point before which getDeleted can no
// longer say what was deleted.
import type { ObjectDef } from "./schema";
import type { Org } from "./state";

/** How long Salesforce keeps deleted records in the recycle bin. */
export const RECYCLE_BIN_MS = 15 * 86_400_000;

interface Entry {
  object: string;
  id: string;
  at: number;
}

export interface RecycleBin {
  /** Deletions in the order they happened; `head` is the first not yet purged. */
  entries: Entry[];
  head: number;
  /** Per object: the time of the latest physical removal (its earliestDateAvailable). */
  earliest: Map<string, number>;
  /** earliestDateAvailable of an object nothing was ever removed from: when the org began. */
  since: number;
}

export function createRecycleBin(since: number): RecycleBin {
  return { entries: [], head: 0, earliest: new Map(), since };
}

/** Fills the bin from rows that are already soft-deleted (the seed), oldest deletion first. */
export function loadRecycleBin(org: Org): void {
  const entries: Entry[] = [];
  for (const t of org.store.tables())
    for (const r of t.rows) if (r.IsDeleted) entries.push({ object: t.def.name, id: r.Id, at: r.SystemModstamp });
  entries.sort((a, b) => a.at - b.at);
  org.recycleBin.entries = entries;
  org.recycleBin.head = 0;
}

export function binAdd(org: Org, object: string, id: string, at: number): void {
  org.recycleBin.entries.push({ object, id, at });
}

function removed(org: Org, object: string, at: number): void {
  const bin = org.recycleBin;
  bin.earliest.set(object, Math.max(bin.earliest.get(object) ?? 0, at));
}

/** Purges what has been in the bin for 15 days; cheap when nothing is due (one comparison). */
export function purgeExpired(org: Org): void {
  const bin = org.recycleBin;
  const cutoff = org.clock.now() - RECYCLE_BIN_MS;
  while (bin.head < bin.entries.length && bin.entries[bin.head].at <= cutoff) {
    const e = bin.entries[bin.head++];
    const table = org.store.table(e.object)!;
    const row = table.byId.get(e.id);
    if (row?.IsDeleted && row.SystemModstamp === e.at) {
      org.store.remove(table, e.id);
      removed(org, e.object, e.at);
    }
  }
  if (bin.head > 10_000 && bin.head * 2 > bin.entries.length) {
    bin.entries = bin.entries.slice(bin.head);
    bin.head = 0;
  }
}

/** earliestDateAvailable of getDeleted for one object. */
export function earliestAvailable(org: Org, object: string): number {
  return org.recycleBin.earliest.get(object) ?? org.recycleBin.since;
}

// A hard delete takes the children a soft delete would cascade to.
const CHILDREN: Record<string, [string, string][]> = {
  Account: [
    ["Contact", "AccountId"],
    ["Opportunity", "AccountId"],
  ],
  Contact: [["OpportunityContactRole", "ContactId"]],
  Opportunity: [["OpportunityContactRole", "OpportunityId"]],
};

/** A delete that skips the recycle bin (Bulk API hardDelete): gone at once, queryAll included. */
export function hardDelete(org: Org, def: ObjectDef, id: string): boolean {
  const table = org.store.table(def.name)!;
  if (!table.byId.has(id)) return false;
  org.store.remove(table, id);
  removed(org, def.name, org.clock.now());
  for (const [child, field] of CHILDREN[def.name] ?? []) {
    const childTable = org.store.table(child)!;
    for (const r of childTable.rows.filter((r) => r[field] === id)) hardDelete(org, childTable.def, r.Id);
  }
  return true;
}

/** Empties the recycle bin (of one object, or of all): its rows are gone for good. */
export function emptyRecycleBin(org: Org, object?: string): number {
  let n = 0;
  for (const t of org.store.tables()) {
    if (object && t.def.name !== object) continue;
    const gone = t.rows.filter((r) => r.IsDeleted).map((r) => r.Id);
    for (const id of gone) org.store.remove(t, id);
    if (gone.length) removed(org, t.def.name, org.clock.now());
    n += gone.length;
  }
  return n;
}
