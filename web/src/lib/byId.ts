/** Appends `more` to `list`, replacing items whose id is already there (pages can overlap as runs arrive). */
export function mergeById<T extends { id: string }>(list: T[], more: T[]): T[] {
  const fresh = new Map(more.map((x) => [x.id, x]));
  const kept = list.map((x) => fresh.get(x.id) ?? x);
  const seen = new Set(list.map((x) => x.id));
  return kept.concat(more.filter((x) => !seen.has(x.id)));
}

/** Newest first, as the API lists them; ids break ties the same way the server's keyset does. */
export function byStartedDesc<T extends { id: string; startedAt: string }>(a: T, b: T): number {
  if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
