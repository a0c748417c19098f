import { fieldError } from "../errors";
import type { RunFilters } from "./runs.queries";

/** A 400 in the same words as the zod hook's, for checks that need more than one field. */
export function badQuery(field: string, message: string) {
  return fieldError("query", field, message);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/**
 * `from`/`to` as stored-format instants. `to` is inclusive: a bare date covers its whole (UTC) day,
 * a date-time covers its own millisecond, so both become an exclusive bound one step later.
 */
export function runFiltersFrom(q: {
  direction?: string;
  objectType?: string;
  status?: string;
  has?: "failed" | "skipped";
  from?: string;
  to?: string;
}): RunFilters {
  const from = q.from === undefined ? undefined : Date.parse(q.from);
  const to = q.to === undefined ? undefined : Date.parse(q.to);
  let before = to === undefined ? undefined : to + (DATE_ONLY.test(q.to ?? "") ? DAY_MS : 1);
  if (from !== undefined && before !== undefined && from >= before) throw badQuery("from", "must not be after 'to'");
  // Past year 9999 toISOString() leaves the fixed-width format and would compare wrongly; no run starts there.
  if (before !== undefined && new Date(before).getUTCFullYear() > 9999) before = undefined;
  return {
    direction: q.direction,
    objectType: q.objectType,
    status: q.status,
    has: q.has,
    from: from === undefined ? undefined : new Date(from).toISOString(),
    before: before === undefined ? undefined : new Date(before).toISOString(),
  };
}
