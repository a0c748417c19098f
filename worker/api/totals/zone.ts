// Local days and hours of an IANA time zone as UTC instants, so the Overview's chart counts a
// viewer's own days (the page's date filters do the same in the browser). Workers carry ICU data.

const HOUR_MS = 3_600_000;

/** True when `tz` is a time zone Intl knows (an IANA name such as "Europe/Berlin", or "UTC"). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A UTC interval [from, to) in epoch milliseconds. */
export interface Span {
  from: number;
  to: number;
}

export interface LocalDay extends Span {
  /** The local calendar day, `YYYY-MM-DD`. */
  date: string;
}

function zoneClock(timeZone: string) {
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  /** The wall clock at `t`, read as if it were UTC: its difference from `t` is the zone's offset. */
  const wall = (t: number) => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(t)) if (part.type !== "literal") p[part.type] = Number(part.value);
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
  };
  const offset = (t: number) => wall(t) - Math.floor(t / 1000) * 1000;
  /** The instant a local wall-clock time (as UTC millis) happens; twice corrected for a DST change between. */
  const instant = (local: number) => {
    const first = local - offset(local);
    return local - offset(first);
  };
  return { wall, offset, instant };
}

/** The last `n` local days up to and including today's, oldest first, each [midnight, next midnight). */
export function localDays(timeZone: string, now: number, n: number): LocalDay[] {
  const clock = zoneClock(timeZone);
  const today = new Date(clock.wall(now));
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth();
  const d = today.getUTCDate();
  const days: LocalDay[] = [];
  for (let k = n - 1; k >= 0; k--) {
    const start = Date.UTC(y, m, d - k);
    days.push({
      date: new Date(start).toISOString().slice(0, 10),
      from: clock.instant(start),
      to: clock.instant(Date.UTC(y, m, d - k + 1)),
    });
  }
  return days;
}

/** The last `n` local clock hours up to and including the current one, oldest first. */
export function localHours(timeZone: string, now: number, n: number): Span[] {
  const clock = zoneClock(timeZone);
  // Offsets are whole quarter hours, so a local hour starts where (t + offset) is a whole hour.
  const current = now - ((((now + clock.offset(now)) % HOUR_MS) + HOUR_MS) % HOUR_MS);
  return Array.from({ length: n }, (_, i) => {
    const from = current - (n - 1 - i) * HOUR_MS;
    return { from, to: from + HOUR_MS };
  });
}
