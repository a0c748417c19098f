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
  // A late commit: the write's transaction started lateBySeconds ago, so its rows become visible now
  // with a SystemModstamp older than rows a reader may already have passed.
  const at = stamp - m.lateBySeconds * 1000;
  for (let k = 0; k < m.count && table.rows.length; k++) {
    const row = table.rows[Math.floor(org.mutations.next() * table.rows.length)];
    if (row.IsDeleted || (object === "Lead" && row.IsConverted)) continue;
    // A transaction cannot start before the row's last committed change.
    if (row.SystemModstamp >= at) continue;
    const next = changedRow(
      row,
      hasTitle ? { Title: `Changed during sync ${m.pagesServed}.${k}` } : {},
      at,
      org.userId,
    );
    // Without a user-visible change this is a system update: only SystemModstamp moves.
    if (!hasTitle) next.LastModifiedDate = row.LastModifiedDate;
    org.store.replace(table, next);
  }
}
