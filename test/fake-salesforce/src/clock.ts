// Salesforce keeps audit datetimes at second precision and writes them as
// 2026-01-15T10:20:30.000+0000; the fake stores them as epoch milliseconds.

/** Salesforce's JSON datetime form. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:?\d{2})$/;

/** Parses SOQL datetime literals and JSON datetime values (Z, +hh:mm or +hhmm offsets); null when invalid. */
export function parseDateTime(text: string): number | null {
  const m = DATETIME_RE.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Number(frac.padEnd(3, "0")) : 0;
  let t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms);
  const check = new Date(t);
  if (check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) return null;
  if (zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return t;
}

/** Validates a yyyy-MM-dd date; Salesforce date fields carry no time zone. */
export function isValidDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export interface Clock {
  /** The current audit stamp: whole seconds, never earlier than a stamp already handed out. */
  stamp(): number;
  now(): number;
  /** Moves the org's time forward (POST /__fake/clock): days pass for the recycle bin without waiting. */
  advance(ms: number): void;
}

export function createClock(): Clock {
  let last = 0;
  let offset = 0;
  const now = () => Date.now() + offset;
  return {
    stamp() {
      const t = Math.floor(now() / 1000) * 1000;
      last = Math.max(last, t);
      return last;
    },
    now,
    advance(ms) {
      offset += Math.max(0, ms);
    },
  };
}
