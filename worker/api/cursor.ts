import { base64url, fromBase64url } from "../lib/crypto";
import { fieldError } from "./errors";

// Keyset cursors: the last row's sort key, tagged with the list it belongs to, as base64url JSON.
// They carry no secret: every query still filters by workspace, so a forged cursor only moves the page.

type Part = "string" | "number";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The opaque `nextCursor` for a list whose sort key is `values`; `tag` keeps one list's cursor out of another. */
export function encodeCursor(tag: string, values: readonly (string | number)[]): string {
  return base64url(encoder.encode(JSON.stringify([tag, ...values])));
}

/**
 * Reads a cursor made by `encodeCursor(tag, …)` with parts of the given types; anything else
 * (truncated, edited, from another list) is a 400 naming `cursor`.
 */
export function decodeCursor<const T extends readonly Part[]>(
  text: string,
  tag: string,
  shape: T,
): { [K in keyof T]: T[K] extends "number" ? number : string } {
  const parsed = parse(text);
  if (!Array.isArray(parsed) || parsed.length !== shape.length + 1 || parsed[0] !== tag) throw badCursor();
  const values = parsed.slice(1);
  values.forEach((v, i) => {
    const ok = shape[i] === "number" ? Number.isSafeInteger(v) : typeof v === "string" && v.length <= 200;
    if (!ok) throw badCursor();
  });
  return values as { [K in keyof T]: T[K] extends "number" ? number : string };
}

function parse(text: string): unknown {
  if (!/^[A-Za-z0-9_-]{1,500}$/.test(text)) throw badCursor();
  try {
    return JSON.parse(decoder.decode(fromBase64url(text)));
  } catch {
    throw badCursor();
  }
}

const badCursor = () => fieldError("query", "cursor", "not a cursor this list gave out");

/** Cuts a `limit + 1` fetch to one page and names the cursor of the next one (null at the end). */
export function pageOf<T>(rows: T[], limit: number, tag: string, keyOf: (row: T) => readonly (string | number)[]) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor(tag, keyOf(last)) : null;
  return { items, nextCursor };
}
