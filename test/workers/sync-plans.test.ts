import { describe, expect, it } from "vitest";
import { type Db, dbOver } from "../../worker/db";
import { waitingOnParent } from "../../worker/sync/inbound/dependents";
import { loadPageSets } from "../../worker/sync/inbound/lookups";
import { UNLINK } from "../../worker/sync/org/unlink";
import { countingD1 } from "./counting-d1";
import { env } from "./helpers";
import { expectIndexed, plan } from "./plans";

// EXPLAIN QUERY PLAN on the SQL the sync itself sends (captured by a counting D1): the queries every
// cycle or page makes seek the index they were written for, whatever the table's size.

const WS = "ws_sync_plan";

/** The statements `work` sent to D1, in order. */
async function sent(work: (db: Db) => Promise<unknown>) {
  const { db, counter } = countingD1(env.DB);
  await work(dbOver(db));
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

  it("a page's contact lookups seek the Salesforce id and email indexes, then each contact by its primary key", async () => {
    const records = [{ Id: "00Q000000000001AAA", Email: "ada@example.com", ConvertedContactId: "003000000000001AAA" }];
    const [query] = await sent((db) => loadPageSets(db, WS, "lead", records as never, "Email"));
    const lines = await plan(query!);
    const steps = lines.filter((l) => /^(SEARCH|SCAN) contacts\b/.test(l));
    expect(steps, lines.join("\n")).toHaveLength(3);
    expectIndexed(lines, "contacts", ["PRIMARY KEY", "contacts_ws_sfid", "contacts_ws_email"]);
    expect(
      steps.filter((l) => l.includes("PRIMARY KEY (workspace_id=? AND id=?)")),
      lines.join("\n"),
    ).toHaveLength(1);
  });

  it("unlinking an org walks each table's Salesforce id index, and changes rows by their key", async () => {
    for (const statement of UNLINK) {
      const table = statement.split(" ")[1]!;
      const lines = await plan({ sql: statement, params: [WS] });
      const steps = lines.filter((l) => new RegExp(`^(SEARCH|SCAN) ${table}\\b`).test(l));
      expect(steps, lines.join("\n")).toHaveLength(2);
      expect(steps[1], lines.join("\n")).toMatch(
        /USING (COVERING )?INDEX \w+_ws_sfid \(workspace_id=\? AND salesforce_id>\?\)/,
      );
      expect(steps[0], lines.join("\n")).toMatch(
        /USING (PRIMARY KEY \(workspace_id=\? AND id=\?\)|INTEGER PRIMARY KEY \(rowid=\?\))/,
      );
    }
  });
});
