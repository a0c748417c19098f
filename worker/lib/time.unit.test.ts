import { describe, expect, it } from "vitest";
import { parseSalesforceDate } from "./time";

/** The general path alone (what parseSalesforceDate did before its fast path for Salesforce's UTC form). */
function general(value: string): string | null {
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

describe("parseSalesforceDate", () => {
  it("answers Salesforce's UTC form as the general path does, valid or not", () => {
    const cases = [
      "2026-01-15T10:20:30.000+0000",
      "2024-02-29T23:59:59.999+0000",
      "2023-02-29T10:00:00.000+0000",
      "2100-02-29T10:00:00.000+0000",
      "2000-02-29T10:00:00.000+0000",
      "2026-04-31T10:00:00.000+0000",
      "2026-13-01T10:00:00.000+0000",
      "2026-00-10T10:00:00.000+0000",
      "2026-01-00T10:00:00.000+0000",
      "2026-01-15T24:00:00.000+0000",
      "2026-01-15T23:60:00.000+0000",
      "2026-01-15T23:59:60.000+0000",
      "0000-01-01T00:00:00.000+0000",
      "9999-12-31T23:59:59.999+0000",
      "2026-01-15T10:20:30.000+0100",
      "2026-01-15T10:20:30.000-0000",
      "2026-01-15T10:20:30.000Z",
      "2026-01-15",
      "2026-1-15T10:20:30.000+0000x",
      "2026-0a-15T10:20:30.000+0000",
      "2026-01-15T10:2 :30.000+0000",
      "2026-01-15T10:20:30.0x0+0000",
      "2026-01-15T10:20:30.000+000a",
      "2026-01-15T10:20:30.000 0000",
      "2026/01/15T10:20:30.000+0000",
      "2026-01-15 10:20:30.000+0000",
      "２026-01-15T10:20:30.000+0000",
      "-026-01-15T10:20:30.000+0000",
    ];
    // And every day of a leap year and a common one, at a few times.
    for (const year of [2024, 2026])
      for (let d = 0; d < 367; d++) {
        const day = new Date(Date.UTC(year, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
        for (const time of ["00:00:00.000", "12:34:56.789", "23:59:59.999"]) cases.push(`${day}T${time}+0000`);
      }
    for (const c of cases) expect(parseSalesforceDate(c), c).toBe(general(c));
    expect(parseSalesforceDate("2026-01-15T10:20:30.000+0000")).toBe("2026-01-15T10:20:30.000Z");
    expect(parseSalesforceDate("2023-02-29T10:00:00.000+0000")).toBe(general("2023-02-29T10:00:00.000+0000"));
  });
});
