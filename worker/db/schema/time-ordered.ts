import { sql } from "drizzle-orm";
import { randomIdPart } from "../../lib/crypto";

// Time-ordered ids: `ct__`, the creation time in milliseconds as 9 base-36 digits, 12 random
// characters (25 in all; ids from before are `ct_` + 16 random characters, 19). Sorted as text they
// sort as (created_at, id) does, so the contacts list walks the table's primary key (workspace_id, id)
// and a contact needs no entry in a list index. Only rows with another id (made before migration
// 0014, or by the Worker before it) keep one, in the partial index contacts_ws_created.

const MARK = "ct__";
const LENGTH = 25;

// The last `created_at` made into an id's head: a page creates hundreds of contacts within one
// millisecond (isoNow's same text), and parsing and formatting it again for each was ~5% of the
// consumer's JavaScript.
let lastAt = "";
let lastHead = "";

/** A new contact's id, made from its `created_at` (the same instant, so the two orders agree). */
export function timeOrderedId(createdAt: string): string {
  if (createdAt !== lastAt) {
    const ms = Date.parse(createdAt);
    // An unparsable time takes the clock's: not remembered, the clock moves on.
    if (!Number.isFinite(ms)) return `${MARK}${timeKey(Date.now())}${randomIdPart(9)}`;
    lastHead = `${MARK}${timeKey(ms)}`;
    lastAt = createdAt;
  }
  return `${lastHead}${randomIdPart(9)}`;
}

function timeKey(ms: number): string {
  return Math.max(0, Math.floor(ms)).toString(36).padStart(9, "0");
}

export function isTimeOrdered(id: string): boolean {
  return id.length === LENGTH && id.startsWith(MARK);
}

/**
 * The partial index's condition, and the term a query must carry, literally, for SQLite to use it:
 * a row whose id is not time-ordered.
 */
export const TIME_ORDERED_OLD_ROW = {
  contacts: sql.raw(`NOT (length("id") = ${LENGTH} AND substr("id", 1, ${MARK.length}) = '${MARK}')`),
};

/**
 * The range of time-ordered ids strictly below the list position (createdAt, id), i.e. of rows that
 * come after it newest first: every id of an earlier millisecond, and of the same one those below
 * `id`. And its lower end: the first id this scheme made (ids of other shapes inside the range —
 * a `ct__`-led old id of the same few leading characters, one in millions — are skipped by length).
 */
export function timeOrderedBelow(position: { createdAt: string; id: string } | null): { from: string; below: string } {
  const from = `${MARK}${timeKey(Date.parse("2026-01-01T00:00:00.000Z"))}`;
  if (!position) return { from, below: `${MARK}${timeKey(Date.now() + 86_400_000)}~` };
  const ms = Date.parse(position.createdAt);
  if (!Number.isFinite(ms)) return { from, below: from };
  const lo = `${MARK}${timeKey(ms)}`;
  const hi = `${lo}~`;
  return { from, below: position.id < lo ? lo : position.id > hi ? hi : position.id };
}

export const TIME_ORDERED_ID_LENGTH = LENGTH;
