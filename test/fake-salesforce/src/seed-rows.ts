// Shared by the seed modules: the generation context and the row builder.
import type { IdFactory } from "./ids";
import type { Random } from "./random";
import { newRow } from "./rows";
import { objectByName, type Rec } from "./schema";
import type { PeopleFactory } from "./seed-people";
import { buildTimeline, type Times } from "./seed-timeline";
import type { Store } from "./store";

export interface SeedContext {
  store: Store;
  ids: IdFactory;
  rnd: Random;
  people: PeopleFactory;
  defects: boolean;
  userId: string;
  start: number;
  end: number;
  autoNumber(object: string): string;
}

/**
 * Builds n live rows of one object with a realistic timeline; with defects on, a share more sit
 * soft-deleted in the recycle bin on top of the n.
 */
export function buildRows(
  ctx: SeedContext,
  object: string,
  n: number,
  deleteRate: number,
  values: (i: number, t: Times) => Record<string, unknown>,
): Rec[] {
  const def = objectByName(object)!;
  const extra = ctx.defects ? Math.round(n * deleteRate) : 0;
  const total = n + extra;
  const deleted = new Set<number>();
  while (deleted.size < extra) deleted.add(ctx.rnd.int(0, total - 1));
  const times = buildTimeline(ctx.rnd, total, ctx.start, ctx.end);
  // Deletions sit in the recycle bin, which keeps 15 days: each was deleted within the last 14.
  for (const i of deleted) {
    const at = ctx.end - ((i * 7919) % (14 * 86_400)) * 1000;
    if (at > times.stamp[i]) times.modified[i] = times.stamp[i] = at;
  }
  const rows: Rec[] = [];
  for (let i = 0; i < total; i++) {
    rows.push(
      newRow(def, values(i, times), {
        id: ctx.ids.next(def.keyPrefix),
        created: times.created[i],
        modified: times.modified[i],
        stamp: times.stamp[i],
        userId: ctx.userId,
        deleted: deleted.has(i),
      }),
    );
  }
  ctx.store.load(object, rows);
  return rows;
}
