import { describe, expect, it } from "vitest";
import { jsonChunks, jsonValueChunks, MAX_PARAM_BYTES } from "./json-param";

// jsonValueChunks stringifies the whole array at once when it fits one chunk: the chunks must be
// exactly jsonChunks' (each value on its own, joined), on both sides of the limit.

/** n rows of about `bytes` characters as JSON, the last one padded so the whole array is `total` long. */
function rows(n: number, bytes: number, total?: number): unknown[][] {
  const out = Array.from({ length: n }, (_, i) => [`ct_${i}`, "ws", null, 1.5, 'é"\\漢\u0007'.repeat(bytes / 10)]);
  if (total !== undefined) {
    const short = total - JSON.stringify(out).length;
    out[n - 1]!.push("x".repeat(short - 3));
    expect(JSON.stringify(out).length).toBe(total);
  }
  return out;
}

describe("jsonValueChunks", () => {
  it.each([
    ["nothing", rows(0, 0)],
    ["one row", rows(1, 100)],
    ["a page of rows", rows(2_000, 300)],
    ["many chunks", rows(6_000, 400)],
    ["one byte below the limit", rows(2_000, 300, MAX_PARAM_BYTES - 1)],
    ["at the limit", rows(2_000, 300, MAX_PARAM_BYTES)],
    ["one byte over", rows(2_000, 300, MAX_PARAM_BYTES + 1)],
  ])("%s: the chunks jsonChunks makes", (_, values) => {
    const chunks = jsonValueChunks(values);
    expect(chunks).toEqual(jsonChunks(values));
    expect(chunks.every((c) => c.length < MAX_PARAM_BYTES)).toBe(true);
  });
});
