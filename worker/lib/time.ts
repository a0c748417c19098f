/** ISO 8601 UTC with milliseconds, the API's time format. */
export function isoNow(): string {
  return new Date().toISOString();
}

export function isoIn(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

/**
 * Salesforce datetimes look like `2026-01-15T10:20:30.000+0000`; normalise to ISO UTC.
 * Returns null for anything that is not a real date, so callers can record `invalid_timestamp`.
 */
export function parseSalesforceDate(value: unknown): string | null {
  if (typeof value !== "string" || value.length < 10) return null;
  const fixed = value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  const ms = Date.parse(fixed);
  if (Number.isNaN(ms)) return null;
  return new Date(ms).toISOString();
}
