import { type SQL, sql } from "drizzle-orm";
import { RETENTION_DAYS } from "../retention";
import type { Place } from "./pages";

// Record history lives on the Conversion record: its `history` column lists refs to the run records
// about it, oldest first. A ref names a page and a slot in it, and carries the record's time and seq so
// history can be ordered and paged before any page is read:
//
//   `${ms}.${runId}.${firstSeq}.${slot}.${seq}`    e.g. "1796060000000.run_AbC.0.17.17"
//
// ms is 13 digits until the year 2286, so refs compare as strings in time order. The same text is
// built in SQL (write.ts, migration 0013), so this format is part of the schema.

/** A run record's ref. */
export function refOf(at: string, runId: string, place: Place, seq: number): string {
  return refsOf(at, runId)(place, seq);
}

/** refOf for many records of one write (one time, one run): the shared head is made once. */
export function refsOf(at: string, runId: string): (place: Place, seq: number) => string {
  const head = `${Date.parse(at)}.${runId}.`;
  return (place, seq) => `${head}${place.firstSeq}.${place.slot}.${seq}`;
}

export interface Ref {
  ms: number;
  runId: string;
  firstSeq: number;
  slot: number;
  seq: number;
  text: string;
}

export function parseRef(text: string): Ref | null {
  const m = /^(\d{13})\.(.+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!m) return null;
  return { ms: Number(m[1]), runId: m[2]!, firstSeq: Number(m[3]), slot: Number(m[4]), seq: Number(m[5]), text };
}

/** The refs of a `history` value (a JSON array of refs), ignoring anything damaged. */
export function readRefs(history: unknown): Ref[] {
  if (typeof history !== "string" || !history) return [];
  let value: unknown;
  try {
    value = JSON.parse(history);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.map((v) => (typeof v === "string" ? parseRef(v) : null)).filter((r): r is Ref => r !== null);
}

/** How many refs a record keeps: past this (a record changed in more runs than that within retention) the oldest go. */
export const MAX_REFS = 1000;
// Below this many characters refs are only appended; above, refs older than retention are dropped too.
const APPEND_ONLY_CHARS = 32_000;

/**
 * SQL for a record's `history` with `added` (a JSON array of refs, or NULL) appended. Appending is
 * string work on two JSON arrays; a long history is also pruned to the refs newer than `cutoffMs`
 * (retention has removed their pages) and to the newest MAX_REFS.
 */
export function appendHistory(current: SQL, added: SQL, cutoffMs: number): SQL {
  const cutoff = String(cutoffMs).padStart(13, "0");
  return sql`CASE
    WHEN ${added} IS NULL OR ${added} = '[]' THEN ${current}
    WHEN ${current} IS NULL OR ${current} = '[]' THEN ${added}
    WHEN length(${current}) < ${APPEND_ONLY_CHARS}
      THEN substr(${current}, 1, length(${current}) - 1) || ',' || substr(${added}, 2)
    ELSE (SELECT json_group_array(value) FROM (
      SELECT k, value FROM (
        SELECT k, value FROM (
          SELECT key AS k, value FROM json_each(${current}) WHERE value >= ${cutoff}
          UNION ALL SELECT 1000000000 + key, value FROM json_each(${added}))
        ORDER BY k DESC LIMIT ${MAX_REFS})
      ORDER BY k))
  END`;
}

/** The retention cutoff refs are pruned to, as ms. */
export function refCutoff(now = Date.now()): number {
  return now - RETENTION_DAYS * 86_400_000;
}
