import { describe, expect, it } from "vitest";
import { dbOver } from "../../worker/db";
import { commitBatch } from "../../worker/db/commit";
import { type EntityRow, EntitySet } from "../../worker/sync/entities";
import { countingD1 } from "./counting-d1";
import { env } from "./helpers";
import { expectIndexed, plan } from "./plans";

// A dedupe tool merging hundreds of Contacts or Accounts puts hundreds of losers in one page: the
// page's folds (what pointed at a loser now points at its winner) must stay a few set-based
// statements through indexes, scoped to the workspace, however many losers there are.

const WS = "ws_folds";
const OTHER = "ws_folds_other";
const LOSERS = 300;
const COMPANY_LOSERS = 60;

async function seed() {
  const rows: D1PreparedStatement[] = [];
  const contact = env.DB.prepare(
    "INSERT INTO contacts (id, workspace_id, salesforce_id, salesforce_object, email, company_id) VALUES (?, ?, ?, 'Contact', ?, ?)",
  );
  const company = env.DB.prepare("INSERT INTO companies (id, workspace_id, salesforce_id, name) VALUES (?, ?, ?, ?)");
  const event = env.DB.prepare(
    "INSERT INTO events (id, workspace_id, salesforce_id, name, contact_id) VALUES (?, ?, ?, 'Signed up', ?)",
  );
  const role = env.DB.prepare(
    "INSERT INTO opportunity_contact_roles (id, workspace_id, salesforce_id, opportunity_id, contact_id) VALUES (?, ?, ?, 'opp_x', ?)",
  );
  const opportunity = env.DB.prepare(
    "INSERT INTO opportunities (id, workspace_id, salesforce_id, name, company_id) VALUES (?, ?, ?, 'Deal', ?)",
  );
  for (let w = 0; w < 3; w++) {
    rows.push(contact.bind(`con_w${w}`, WS, `003W${w}`, `w${w}@example.com`, null));
    rows.push(company.bind(`com_w${w}`, WS, `001W${w}`, `Winner ${w}`));
  }
  for (let i = 0; i < LOSERS; i++) {
    rows.push(contact.bind(`con_l${i}`, WS, `003L${i}`, `l${i}@example.com`, null));
    rows.push(event.bind(`evt_l${i}`, WS, `a00L${i}`, `con_l${i}`));
    rows.push(role.bind(`ocr_l${i}`, WS, `00KL${i}`, `con_l${i}`));
  }
  for (let i = 0; i < COMPANY_LOSERS; i++) {
    rows.push(company.bind(`com_l${i}`, WS, `001L${i}`, `Loser ${i}`));
    rows.push(contact.bind(`con_c${i}`, WS, `003C${i}`, `c${i}@example.com`, `com_l${i}`));
    rows.push(opportunity.bind(`opp_l${i}`, WS, `006L${i}`, `com_l${i}`));
  }
  // Another workspace's rows that carry the same Conversion ids must not move.
  rows.push(event.bind("evt_other", OTHER, "a00O", "con_l0"));
  rows.push(opportunity.bind("opp_other", OTHER, "006O", "com_l0"));
  await env.DB.batch(rows);
}

async function load(table: string, ids: string[]): Promise<EntityRow[]> {
  const { results } = await env.DB.prepare(
    `SELECT id, workspace_id AS workspaceId, salesforce_id AS salesforceId FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`,
  )
    .bind(JSON.stringify(ids))
    .all<EntityRow>();
  return results;
}

async function pointers(sql: string): Promise<Record<string, string>> {
  const { results } = await env.DB.prepare(sql).all<{ id: string; to: string }>();
  return Object.fromEntries(results.map((r) => [r.id, r.to]));
}

describe("merge folds", () => {
  it("fold a page of hundreds of losers in one statement per dependent table, through the (workspace, column) indexes", async () => {
    await seed();
    const people = new EntitySet("contacts");
    const winners = await load("contacts", ["con_w0", "con_w1", "con_w2"]);
    const losers = await load(
      "contacts",
      Array.from({ length: LOSERS }, (_, i) => `con_l${i}`),
    );
    for (const row of [...winners, ...losers]) people.add(row);
    const winnerOf = (i: number) => `con_w${i % 3}`;
    for (const loser of losers) people.fold(loser, people.byId.get(winnerOf(Number(loser.id.slice(5))))!);

    const firms = new EntitySet("companies");
    const firmWinners = await load("companies", ["com_w0", "com_w1", "com_w2"]);
    const firmLosers = await load(
      "companies",
      Array.from({ length: COMPANY_LOSERS }, (_, i) => `com_l${i}`),
    );
    for (const row of [...firmWinners, ...firmLosers]) firms.add(row);
    // A loser merged into another loser of the same page ends at that loser's winner.
    for (const loser of firmLosers) {
      const i = Number(loser.id.slice(5));
      firms.fold(loser, firms.byId.get(i === 0 ? "com_l1" : `com_w${i % 3}`)!);
    }

    const { db, counter } = countingD1(env.DB);
    const d = dbOver(db);
    await commitBatch(d, [...people.statements(d), ...firms.statements(d)]);
    // Per table: the losers' delete and one UPDATE per dependent table (events, roles; contacts, opportunities).
    expect(counter.statements).toBe(6);

    const events = await pointers(`SELECT id, contact_id AS "to" FROM events WHERE workspace_id = '${WS}'`);
    const roles = await pointers(
      `SELECT id, contact_id AS "to" FROM opportunity_contact_roles WHERE workspace_id = '${WS}'`,
    );
    for (let i = 0; i < LOSERS; i++) {
      expect(events[`evt_l${i}`]).toBe(winnerOf(i));
      expect(roles[`ocr_l${i}`]).toBe(winnerOf(i));
    }
    const people2 = await pointers(
      `SELECT id, company_id AS "to" FROM contacts WHERE workspace_id = '${WS}' AND company_id IS NOT NULL`,
    );
    const deals = await pointers(`SELECT id, company_id AS "to" FROM opportunities WHERE workspace_id = '${WS}'`);
    for (let i = 0; i < COMPANY_LOSERS; i++) {
      const winner = `com_w${(i === 0 ? 1 : i) % 3}`;
      expect([people2[`con_c${i}`], deals[`opp_l${i}`]]).toEqual([winner, winner]);
    }
    expect(await pointers("SELECT id, contact_id AS \"to\" FROM events WHERE id = 'evt_other'")).toEqual({
      evt_other: "con_l0",
    });
    expect(await pointers("SELECT id, company_id AS \"to\" FROM opportunities WHERE id = 'opp_other'")).toEqual({
      opp_other: "com_l0",
    });
    const left = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM contacts WHERE workspace_id = ?1 AND id LIKE 'con_l%') + (SELECT count(*) FROM companies WHERE workspace_id = ?1 AND id LIKE 'com_l%') AS n`,
    )
      .bind(WS)
      .first<{ n: number }>();
    expect(left!.n).toBe(0);

    const indexFor: Record<string, string> = {
      events: "events_ws_contact",
      opportunity_contact_roles: "ocr_ws_contact",
      contacts: "contacts_ws_company",
      opportunities: "opportunities_ws_company",
    };
    const updates = counter.seen.filter((s) => s.sql.startsWith("UPDATE"));
    expect(updates).toHaveLength(4);
    for (const update of updates) {
      const table = /^UPDATE "(\w+)"/.exec(update.sql)![1]!;
      expectIndexed(await plan(update), table, [indexFor[table]!]);
    }
  });
});
