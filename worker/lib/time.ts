/** ISO 8601 UTC with milliseconds, the API's time format. */
export function isoNow(): string {
  return new Date().toISOString();
}

export function isoIn(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

const SALESFORCE_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{3}\+0000$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function inRange(m: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
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
  if (value.length === 28) {
    const m = SALESFORCE_UTC.exec(value);
    if (m && inRange(m)) return `${value.slice(0, 23)}Z`;
  }
  const fixed = value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  const ms = Date.parse(fixed);
  if (Number.isNaN(ms)) return null;
  return new Date(ms).toISOString();
}
