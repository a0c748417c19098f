import { describe, expect, it } from "vitest";
import { isTimeOrdered, timeOrderedId } from "./time-ordered";

// timeOrderedId remembers the last created_at it formatted (a page makes many ids in one millisecond):
// each id must still carry its own created_at, whatever came before it.

const head = (createdAt: string) => `ct__${Date.parse(createdAt).toString(36).padStart(9, "0")}`;

describe("timeOrderedId", () => {
  it("carries its own created_at after another one, and again after that", () => {
    const times = [
      "2026-12-01T10:00:00.000Z",
      "2026-12-01T10:00:00.001Z",
      "2026-12-01T10:00:00.000Z",
      "2030-01-01T00:00:00.000Z",
    ];
    for (const at of [...times, ...times]) {
      const id = timeOrderedId(at);
      expect(isTimeOrdered(id)).toBe(true);
      expect(id.slice(0, 13)).toBe(head(at));
    }
  });

  it("gives ids of one millisecond their own random part, sorted as created_at sorts", () => {
    const ids = Array.from({ length: 200 }, () => timeOrderedId("2026-12-01T10:00:00.000Z"));
    expect(new Set(ids).size).toBe(200);
    expect(timeOrderedId("2026-12-01T09:59:59.999Z") < ids[0]!).toBe(true);
    expect(timeOrderedId("2026-12-01T10:00:00.001Z") > ids[199]!).toBe(true);
  });

  it("takes the clock's time for a created_at that is no time, and does not keep it", () => {
    const before = Date.now();
    const id = timeOrderedId("not a time");
    expect(isTimeOrdered(id)).toBe(true);
    expect(Number.parseInt(id.slice(4, 13), 36)).toBeGreaterThanOrEqual(before);
    expect(timeOrderedId("2026-12-01T10:00:00.000Z").slice(0, 13)).toBe(head("2026-12-01T10:00:00.000Z"));
  });
});
