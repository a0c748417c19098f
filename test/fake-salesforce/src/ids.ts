// Salesforce record ids: 3-character key prefix, 2-character instance, 1 reserved character and a
// 9-character base-62 counter, plus a 3-character suffix that encodes the case of the first 15.
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
const INSTANCE = "5e0";

/** The 3-character case-checksum suffix of a 15-character id. */
export function idSuffix(id15: string): string {
  let out = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    out += SUFFIX[bits];
  }
  return out;
}

/** Canonical 18-character form of a 15- or 18-character id, or null when it is not a well-formed id. */
export function normalizeId(raw: string): string | null {
  if (typeof raw !== "string" || !/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(raw)) return null;
  if (raw.length === 15) return raw + idSuffix(raw);
  // 18-character ids are case-insensitive: the suffix restores the case of the first 15 characters.
  const suffix = raw.slice(15).toUpperCase();
  let fixed = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = SUFFIX.indexOf(suffix[chunk]);
    if (bits < 0) return null;
    for (let i = 0; i < 5; i++) {
      const ch = raw[chunk * 5 + i];
      fixed += bits & (1 << i) ? ch.toUpperCase() : ch.toLowerCase();
    }
  }
  return idSuffix(fixed) === suffix ? fixed + suffix : null;
}

function base62(n: number, width: number): string {
  let out = "";
  for (let i = 0; i < width; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export interface IdFactory {
  next(prefix: string): string;
}

/**
 * Allocates ids in creation order. Ids sort (as strings) in allocation order because base 62 in
 * this alphabet follows ASCII order; gaps between counters make them look like a busy org's.
 */
export function createIdFactory(start: number, step: () => number): IdFactory {
  let counter = start;
  return {
    next(prefix) {
      counter += step();
      const id15 = prefix + INSTANCE + base62(counter, 9);
      return id15 + idSuffix(id15);
    },
  };
}

/** A fixed id outside the record counter (org, user, query locators). */
export function fixedId(prefix: string, n: number): string {
  const id15 = prefix + INSTANCE + base62(n, 9);
  return id15 + idSuffix(id15);
}
