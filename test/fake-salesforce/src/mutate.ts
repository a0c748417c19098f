// The mutateDuringPaging fault: records change between the pages of a running sync, as users and
// automation keep editing while an integration reads.
import { changedRow } from "./rows";
import type { Org } from "./state";

export function afterPageServed(org: Org, object: string, stamp: number): void {
  const m = org.faults.mutateDuringPaging;
  if (!m || m.object !== object) return;
  m.pagesServed++;
  if (m.pagesServed % m.everyNPages !== 0) return;
  const table = org.store.table(object)!;
  const hasTitle = table.def.byName.has("title");
  for (let k = 0; k < m.count && table.rows.length; k++) {
    const row = table.rows[Math.floor(org.mutations.next() * table.rows.length)];
    if (row.IsDeleted || (object === "Lead" && row.IsConverted)) continue;
    const next = changedRow(
      row,
      hasTitle ? { Title: `Changed during sync ${m.pagesServed}.${k}` } : {},
      stamp,
      org.userId,
    );
    // Without a user-visible change this is a system update: only SystemModstamp moves.
    if (!hasTitle) next.LastModifiedDate = row.LastModifiedDate;
    org.store.replace(table, next);
  }
}
