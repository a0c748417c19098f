import type { EntityRow, EntitySet, EntityTable } from "../entities";
import type { RunRecordInput } from "../runs";
import { refsOf } from "../runs/history";
import { layoutPages, type Page, type Place } from "../runs/pages";
import type { RowExtra, RunWrite } from "../runs/write";
import type { PageContext } from "./classify";

// A page's records are found in record history through the Conversion records they are about
// (runs/history.ts): attachHistory hands each its ref; findableWithoutRow then tells which records
// the page's own writes make findable for certain, so runs/write.ts need not check them in SQL.

/** The Conversion table whose records carry the history of each kind of Salesforce record. */
const HOLDER: Record<PageContext["spec"]["kind"], EntityTable> = {
  lead: "contacts",
  contact: "contacts",
  account: "companies",
  opportunity: "opportunities",
  role: "roles",
  event: "events",
};

/**
 * Hands each successful record's ref to the Conversion record it is about (and, for a record with
 * an email that is not a contact, to the contact with that email), so history finds it there. A
 * record whose Conversion record went away or moved to another Salesforce id, or a contact whose
 * email changed, keeps a row with the history it leaves behind (runRecordWrites decides the rest).
 */
export function attachHistory(
  ctx: PageContext,
  records: RunRecordInput[],
  write: RunWrite,
): { extras: Map<number, RowExtra>; pages: Page[]; places: Place[] } {
  const extras = new Map<number, RowExtra>();
  const holder = HOLDER[ctx.spec.kind];
  const set = ctx.sets[holder];
  const { pages, places } = layoutPages(records, write.salesforceObject);
  const refOf = refsOf(write.at, write.runId);
  records.forEach((r, i) => {
    if (r.status !== "success" || !r.conversionId) return;
    const before = set.loaded.get(r.conversionId);
    const history = typeof before?.history === "string" ? before.history : null;
    const now = set.byId.get(r.conversionId);
    if (r.action === "deleted" || !now || now.salesforceId !== r.salesforceId) {
      extras.set(r.seq, { history });
      return;
    }
    const ref = refOf(places[i]!, r.seq);
    set.addRef(now.id, ref);
    if (!r.email) return;
    if (holder !== "contacts") {
      const contact = ctx.sets.contacts.byEmail.get(r.email);
      if (contact) ctx.sets.contacts.addRef(contact.id, ref);
    } else if (typeof before?.email === "string" && before.email !== now.email) {
      extras.set(r.seq, { history, email: before.email });
    }
  });
  return { extras, pages, places };
}

/**
 * The seqs of records that need no run_records row, proven from the page's own writes: a created or
 * updated success whose Conversion record (and, with an email, the contact with that email) is a row
 * this page inserts, holding the record's ref under the record's Salesforce id and email. Such a row
 * lands exactly as the page holds it or the whole D1 batch fails (a new id; Salesforce id and email
 * are unique in the workspace), so history finds the record through it. Anything else — skipped,
 * failed, deleted, moved, a row that existed before (another writer may change it before the
 * commit), a Conversion record that did not take the ref — is left to runRecordWrites' check in SQL,
 * which keeps a row for it unless D1 holds the ref. Reads only the sets' final state, never what
 * attachHistory meant to do.
 */
export function findableWithoutRow(
  ctx: Pick<PageContext, "spec" | "sets">,
  records: readonly RunRecordInput[],
  places: readonly Place[],
  write: RunWrite,
  extras: ReadonlyMap<number, RowExtra>,
): Set<number> {
  const settled = new Set<number>();
  const set = ctx.sets[HOLDER[ctx.spec.kind]];
  const contacts = ctx.sets.contacts;
  const refOf = refsOf(write.at, write.runId);
  records.forEach((r, i) => {
    if (r.status !== "success" || (r.action !== "created" && r.action !== "updated")) return;
    if (!r.conversionId || !r.salesforceId || extras.has(r.seq) || !places[i]) return;
    const row = set.byId.get(r.conversionId);
    if (!row || row.salesforceId !== r.salesforceId || !inserted(set, row)) return;
    const ref = refOf(places[i]!, r.seq);
    if (!holds(set, row, ref)) return;
    // As the record is stored: an empty email is none (pages.ts packs only a non-empty one).
    if (!r.email) {
      settled.add(r.seq);
      return;
    }
    const contact = contacts.byEmail.get(r.email);
    if (!contact || contact.email !== r.email) return;
    // A Lead's or Contact's own row is the contact with its email: checked just above, not again.
    if ((contact === row && set === contacts) || (inserted(contacts, contact) && holds(contacts, contact, ref)))
      settled.add(r.seq);
  });
  return settled;
}

/** The row is one the page inserts (new, not loaded from D1), as indexed. */
function inserted(set: EntitySet, row: EntityRow): boolean {
  return set.byId.get(row.id) === row && set.dirty.has(row.id) && !set.loaded.has(row.id) && !set.removed.has(row.id);
}

/** The row's refs include `ref`. */
function holds(set: EntitySet, row: EntityRow, ref: string): boolean {
  return set.refs.get(row.id)?.includes(ref) ?? false;
}
