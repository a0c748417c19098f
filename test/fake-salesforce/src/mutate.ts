// The mutateDuringPaging fault: records change (and get deleted) between the pages of a running
// sync, as users and automation keep editing while an integration reads.
import { changedRow } from "./rows";
import type { Org } from "./state";
import { softDelete } from "./writes";

export function afterPageServed(org: Org, object: string, stamp: number): void {
  const m = org.faults.mutateDuringPaging;
  if (!m || m.object !== object) return;
  m.pagesServed++;
  if (m.pagesServed % m.everyNPages !== 0) return;
  mutate(org, object, m.count, m.deletes, stamp, `${m.pagesServed}`, m.lateBySeconds);
}

/**
 * `count` random rows change (Title, else a system restamp) and `deletes` random rows are deleted.
 * With lateBySeconds the changes are a late commit: the write's transaction started that long ago,
 * so its rows become visible now with a SystemModstamp older than rows a reader may already have passed.
 */
export function mutate(
  org: Org,
  object: string,
  count: number,
  deletes: number,
  stamp: number,
  tag: string,
  lateBySeconds = 0,
): void {
  const table = org.store.table(object)!;
  const hasTitle = table.def.byName.has("title");
  const at = stamp - lateBySeconds * 1000;
  for (let k = 0; k < count && table.rows.length; k++) {
    const row = table.rows[Math.floor(org.mutations.next() * table.rows.length)];
    if (row.IsDeleted || (object === "Lead" && row.IsConverted)) continue;
    // A transaction cannot start before the row's last committed change.
    if (row.SystemModstamp >= at) continue;
    const next = changedRow(row, hasTitle ? { Title: `Changed during sync ${tag}.${k}` } : {}, at, org.userId);
    // Without a user-visible change this is a system update: only SystemModstamp moves.
    if (!hasTitle) next.LastModifiedDate = row.LastModifiedDate;
    org.store.replace(table, next);
  }
  for (let k = 0; k < deletes && table.rows.length; k++) {
    const row = table.rows[Math.floor(org.mutations.next() * table.rows.length)];
    if (!row.IsDeleted) softDelete(org, table.def, row.Id, stamp);
  }
}
