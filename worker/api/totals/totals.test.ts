import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { call, newWorkspace } from "../../../test/workers/helpers";
import { seedRun } from "../../../test/workers/read-api-seed";
import type { syncTotalsSchema } from "./totals.routes";
import { localDays, localHours } from "./zone";

type Ws = Awaited<ReturnType<typeof newWorkspace>>;
const HOUR = 3_600_000;

async function totals(w: Ws, query = "") {
  const res = await call(`/api/v1/sync/totals${query}`, { headers: w.auth });
  expect(res.status, await res.clone().text()).toBe(200);
  // As sent (not parsed, so an extra field still fails a toEqual), typed as the route declares it.
  return (await res.json()) as z.output<typeof syncTotalsSchema>;
}

const sum = (list: { counts: Record<string, number> }[], k: string) => list.reduce((n, b) => n + b.counts[k]!, 0);

describe("local days and hours of a time zone", () => {
  it("gives seven Berlin days ending today, the DST day 23 hours long", () => {
    // 2026-03-29 is the day Berlin moves its clocks forward (02:00 → 03:00).
    const now = Date.parse("2026-03-31T21:30:00Z"); // 23:30 in Berlin (UTC+2)
    const days = localDays("Europe/Berlin", now, 7);
    expect(days.map((d) => d.date)).toEqual([
      "2026-03-25",
      "2026-03-26",
      "2026-03-27",
      "2026-03-28",
      "2026-03-29",
      "2026-03-30",
      "2026-03-31",
    ]);
    expect(new Date(days[0]!.from).toISOString()).toBe("2026-03-24T23:00:00.000Z");
    expect(new Date(days[4]!.from).toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect((days[4]!.to - days[4]!.from) / HOUR).toBe(23);
    expect(new Date(days[6]!.to).toISOString()).toBe("2026-03-31T22:00:00.000Z");
    for (let i = 1; i < 7; i++) expect(days[i]!.from).toBe(days[i - 1]!.to);
  });

  it("starts Kolkata's days and hours at half past a UTC hour", () => {
    const now = Date.parse("2026-11-29T10:10:00Z"); // 15:40 in Kolkata (UTC+5:30)
    const [today] = localDays("Asia/Kolkata", now, 1);
    expect(today!.date).toBe("2026-11-29");
    expect(new Date(today!.from).toISOString()).toBe("2026-11-28T18:30:00.000Z");
    const hours = localHours("Asia/Kolkata", now, 24);
    expect(hours).toHaveLength(24);
    expect(new Date(hours[23]!.from).toISOString()).toBe("2026-11-29T09:30:00.000Z");
    expect(new Date(hours[0]!.from).toISOString()).toBe("2026-11-28T10:30:00.000Z");
  });

  it("dates a day by the zone, not by UTC, just after local midnight", () => {
    const now = Date.parse("2026-11-29T23:30:00Z"); // already 30 November in Berlin, still 29th in New York
    expect(localDays("Europe/Berlin", now, 1)[0]!.date).toBe("2026-11-30");
    expect(localDays("America/New_York", now, 1)[0]!.date).toBe("2026-11-29");
  });
});

describe("GET /api/v1/sync/totals", () => {
  let ws: Ws;
  // Runs at fixed offsets from the current local hour, so each lands in a known hour and day.
  let hours: ReturnType<typeof localHours>;

  beforeAll(async () => {
    ws = await newWorkspace("Totals");
    hours = localHours("Asia/Kolkata", Date.now(), 24);
    // Never in the future: the current hour may have begun a moment ago.
    const now = Date.now();
    const at = (hourIndex: number, minute: number) =>
      new Date(Math.min(hours[hourIndex]!.from + minute * 60_000, now)).toISOString();
    await seedRun(ws.id, at(23, 1), { created: 3, updated: 2, skipped: 1 });
    await seedRun(ws.id, at(23, 44), {
      direction: "outbound",
      salesforceObject: "Contact",
      kind: "push",
      updated: 5,
      failed: 2,
    });
    await seedRun(ws.id, at(20, 59), { status: "failed", failureCode: "authentication_failure" });
    await seedRun(ws.id, at(0, 0), { deleted: 4, skipped: 7 });
    // Older than a day: in the days, not in the hours.
    await seedRun(ws.id, new Date(hours[0]!.from - 30 * HOUR).toISOString(), { created: 10, failed: 1 });
    // Older than the seven days: in neither.
    await seedRun(ws.id, new Date(Date.now() - 9 * 24 * HOUR).toISOString(), { created: 1000 });
    // Another workspace's runs never show.
    const other = await newWorkspace("Totals other");
    await seedRun(other.id, at(23, 2), { created: 500, failed: 50 });
  });

  it("sums the runs of each local hour of the last 24", async () => {
    const t = await totals(ws, "?timeZone=Asia/Kolkata");
    expect(t.timeZone).toBe("Asia/Kolkata");
    expect(t.hours).toHaveLength(24);
    expect(t.hours.map((h: any) => Date.parse(h.from))).toEqual(hours.map((h) => h.from));
    expect(t.hours[23]).toEqual({
      from: new Date(hours[23]!.from).toISOString(),
      to: new Date(hours[23]!.to).toISOString(),
      runs: 2,
      failedRuns: 0,
      counts: { created: 3, updated: 7, deleted: 0, skipped: 1, failed: 2 },
    });
    expect(t.hours[20]).toMatchObject({ runs: 1, failedRuns: 1 });
    expect(t.hours[0]).toMatchObject({ runs: 1, counts: { deleted: 4, skipped: 7 } });
    expect(t.hours.reduce((n: number, h: any) => n + h.runs, 0)).toBe(4);
  });

  it("sums each of the last seven local days, today last", async () => {
    const t = await totals(ws, "?timeZone=Asia/Kolkata");
    expect(t.days).toHaveLength(7);
    const today = localDays("Asia/Kolkata", Date.now(), 1)[0]!;
    expect(t.days[6].date).toBe(today.date);
    expect(t.days.reduce((n: number, d: any) => n + d.runs, 0)).toBe(5);
    expect(t.days.reduce((n: number, d: any) => n + d.failedRuns, 0)).toBe(1);
    expect(sum(t.days, "created")).toBe(13);
    expect(sum(t.days, "failed")).toBe(3);
    expect(sum(t.days, "deleted")).toBe(4);
    for (let i = 1; i < 7; i++) expect(t.days[i].from).toBe(t.days[i - 1].to);
  });

  it("counts the same runs in any time zone, split by that zone's days", async () => {
    const utc = await totals(ws, "?days=14");
    expect(utc.timeZone).toBe("UTC");
    expect(utc.days).toHaveLength(14);
    expect(utc.days[13].from).toBe(`${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`);
    // Fourteen days reach the nine-day-old run too.
    expect(sum(utc.days, "created")).toBe(1013);
    const ny = await totals(ws, "?timeZone=America/New_York");
    expect(sum(ny.hours, "updated")).toBe(7);
  });

  it("is all zeros for a new workspace", async () => {
    const t = await totals(await newWorkspace("Totals fresh"));
    expect(t.days.every((d: any) => d.runs === 0 && sum([d], "created") === 0)).toBe(true);
    expect(t.hours.every((h: any) => h.runs === 0)).toBe(true);
  });
});
