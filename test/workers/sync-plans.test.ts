import { describe, expect, it } from "vitest";
import { getDb } from "../../worker/db";
import { waitingOnParent } from "../../worker/sync/inbound/dependents";
import { countingD1 } from "./counting-d1";
import { env } from "./helpers";
import { expectIndexed, plan } from "./plans";

// EXPLAIN QUERY PLAN on the SQL the sync itself sends (captured by a counting D1): the queries every
// cycle or page makes seek the index they were written for, whatever the table's size.

const WS = "ws_sync_plan";

/** The statements `work` sent to D1, in order. */
async function sent(work: (db: ReturnType<typeof getDb>) => Promise<unknown>) {
  const { db, counter } = countingD1(env.DB);
  await work(getDb({ ...env, DB: db }));
  return counter.seen;
}

describe("sync query plans", () => {
  it("the dependency-skip re-read seeks runs with skips, then only their unsuccessful records", async () => {
    const [query] = await sent((db) => waitingOnParent(db, WS, "Contact", "contact"));
    const lines = await plan(query!);
    // runs_ws_skips_started holds only runs with skips; run_records_run_status_seq only records
    // that were not a success (a partial index is used only when the query repeats its condition).
    expectIndexed(lines, "r", ["runs_ws_skips_started"], true);
    expectIndexed(lines, "rr", ["run_records_run_status_seq"], true);
    expect(lines.join("\n")).toContain("run_records_run_status_seq (run_id=? AND status=?)");
  });
});
