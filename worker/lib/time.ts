// The last instant isoNow formatted: a page asks for the time once or twice a record, within the same millisecond.
let lastMs = Number.NaN;
let lastIso = "";

/** ISO 8601 UTC with milliseconds, the API's time format. */
export function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

export function isoIn(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by `length` ASCII digits at `at`, or -1 when any is not one. */
function digitsAt(value: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * `YYYY-MM-DDTHH:MM:SS.sss+0000` with every field in range (28 characters, checked by the caller):
 * read by character codes, since three per record made a regular expression's match arrays a
 * page's garbage.
 */
function isSalesforceUtc(v: string): boolean {
  if (v[4] !== "-" || v[7] !== "-" || v[10] !== "T" || v[13] !== ":" || v[16] !== ":" || v[19] !== ".") return false;
  if (v.charCodeAt(23) !== 43 || digitsAt(v, 24, 4) !== 0 || digitsAt(v, 20, 3) < 0) return false;
  const year = digitsAt(v, 0, 4);
  const month = digitsAt(v, 5, 2);
  const day = digitsAt(v, 8, 2);
  const hour = digitsAt(v, 11, 2);
  const minute = digitsAt(v, 14, 2);
  const second = digitsAt(v, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return false;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!);
}

/**
 * Salesforce datetimes look like `2026-01-15T10:20:30.000+0000`; normalise to ISO UTC.
 * Returns null for anything that is not a real date, so callers can record `invalid_timestamp`.
 */
export function parseSalesforceDate(value: unknown): string | null {
  if (typeof value !== "string" || value.length < 10) return null;
  // Salesforce's own UTC form (three of them per record read): already ISO but for the offset, once
  // every field is in range. Anything else takes the general path below, which gives the same answer.
  if (value.length === 28 && isSalesforceUtc(value)) return `${value.slice(0, 23)}Z`;
  const fixed = value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  const ms = Date.parse(fixed);
  if (Number.isNaN(ms)) return null;
  return new Date(ms).toISOString();
}
