import { sql } from "drizzle-orm";
import type { Db } from "../../db";
import { type RecordTimes, type SalesforceClient, soqlString } from "../../salesforce";
import type { UnansweredCreate } from "./journal";
import type { PushObject } from "./plan";

/** A record an unanswered create made, found in Salesforce. */
export interface Adopted {
  salesforceId: string;
  times: RecordTimes;
  /** Salesforce holds exactly what the create wrote. */
  sameValues: boolean;
}

// The field a look-up narrows on: what each create always writes and what tells records apart best.
const KEY: Record<PushObject, string> = { Lead: "Email", Contact: "Email", Account: "Name" };
// Salesforce's clock and ours may differ a little; a record made by the attempt is never older than this.
const CLOCK_SLACK_MS = 5 * 60 * 1000;
// Keeps each look-up's GET URL far below Salesforce's 16 KB limit.
const MAX_SOQL = 6000;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;
const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

const soqlDatetime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function same(field: string, written: unknown, held: unknown): boolean {
  const norm = (v: unknown) => (v === undefined || v === null || v === "" ? null : String(v).trim());
  const a = norm(written);
  const b = norm(held);
  return field === "Email" && a && b ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** Salesforce ids already linked to a Conversion record of the workspace: never adopted a second time. */
async function linkedIds(db: Db, workspaceId: string, object: PushObject, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const table = object === "Account" ? sql`companies` : sql`contacts`;
  const rows = await db.all<{ salesforce_id: string }>(sql`
    SELECT salesforce_id FROM ${table} WHERE workspace_id = ${workspaceId}
      AND salesforce_id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  return new Set(rows.map((r) => r.salesforce_id));
}

/**
 * Before a create whose earlier answer was lost is sent again (in an org without Conversion's
 * external-id field), looks for the record that attempt may have made: same values as written,
 * created by the integration user since the attempt. Each record found is adopted by one entity
 * at most, the earliest created first. Costs one query per ~6 KB of SOQL, only when answers were lost.
 */
export async function findEarlierCreates(
  db: Db,
  workspaceId: string,
  sf: SalesforceClient,
  object: PushObject,
  unanswered: UnansweredCreate[],
  integrationUserId: string | null,
): Promise<Map<string, Adopted>> {
  const key = KEY[object];
  const lookFor = unanswered.filter((u) => typeof u.written[key] === "string" && u.written[key]);
  if (!lookFor.length) return new Map();
  const fields = [...new Set(lookFor.flatMap((u) => Object.keys(u.written)))].filter(
    (f) => FIELD_NAME.test(f) && !["Id", "CreatedDate", "LastModifiedDate"].includes(f),
  );
  const since = Math.min(...lookFor.map((u) => Date.parse(u.firstAttemptAt))) - CLOCK_SLACK_MS;
  const createdBy =
    integrationUserId && SALESFORCE_ID.test(integrationUserId)
      ? `CreatedById = ${soqlString(integrationUserId)} AND `
      : "";
  const head = `SELECT Id, CreatedDate, LastModifiedDate, ${fields.join(", ")} FROM ${object} WHERE ${createdBy}CreatedDate >= ${soqlDatetime(since)} AND ${key} IN (`;

  const found: Record<string, unknown>[] = [];
  let values: string[] = [];
  const flush = async () => {
    if (!values.length) return;
    for await (const page of sf.queryPages(`${head}${values.join(", ")})`)) found.push(...page.records);
    values = [];
  };
  for (const v of new Set(lookFor.map((u) => soqlString(String(u.written[key]))))) {
    if (head.length + values.join(", ").length + v.length > MAX_SOQL) await flush();
    values.push(v);
  }
  await flush();

  const taken = await linkedIds(
    db,
    workspaceId,
    object,
    found.map((r) => String(r.Id)),
  );
  const candidates = found
    .filter((r) => typeof r.Id === "string" && !taken.has(r.Id))
    .sort(
      (a, b) => String(a.CreatedDate).localeCompare(String(b.CreatedDate)) || String(a.Id).localeCompare(String(b.Id)),
    );
  const adopted = new Map<string, Adopted>();
  for (const u of [...lookFor].sort((a, b) => a.firstAttemptAt.localeCompare(b.firstAttemptAt))) {
    const mine = candidates.filter((r) => same(key, u.written[key], r[key]));
    const exact = mine.find((r) => Object.entries(u.written).every(([f, v]) => same(f, v, r[f])));
    const pick = exact ?? (mine.length === 1 ? mine[0] : undefined);
    if (!pick) continue;
    candidates.splice(candidates.indexOf(pick), 1);
    adopted.set(u.entityId, {
      salesforceId: String(pick.Id),
      times: {
        createdAt: typeof pick.CreatedDate === "string" ? pick.CreatedDate : null,
        updatedAt: typeof pick.LastModifiedDate === "string" ? pick.LastModifiedDate : null,
      },
      sameValues: pick === exact,
    });
  }
  return adopted;
}
