import { describe, expect, it } from "vitest";
import { deploymentParallelReads, parallelReadsOf } from "./parallel-reads";

describe("parallel reads of a backfill", () => {
  it.each([
    [undefined, 3],
    ["1", 1],
    ["4", 4],
    ["50", 5],
    ["2.7", 2],
    ["0", 3],
    ["junk", 3],
  ])("the deployment's default with INBOUND_SLICE_CONCURRENCY=%s is %i", (raw, n) => {
    expect(deploymentParallelReads(raw === undefined ? {} : { INBOUND_SLICE_CONCURRENCY: raw })).toBe(n);
  });

  it("the workspace's own setting wins over the deployment's, either way; unset follows it", () => {
    expect(parallelReadsOf({ parallelReads: 2 }, { INBOUND_SLICE_CONCURRENCY: "4" })).toBe(2);
    expect(parallelReadsOf({ parallelReads: 5 }, { INBOUND_SLICE_CONCURRENCY: "1" })).toBe(5);
    expect(parallelReadsOf({}, { INBOUND_SLICE_CONCURRENCY: "4" })).toBe(4);
    expect(parallelReadsOf({}, {})).toBe(3);
  });
});
