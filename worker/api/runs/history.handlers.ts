import type { RouteHandler } from "@hono/zod-openapi";
import { type Db, shardDb } from "../../db";
import type { AppEnv } from "../../env";
import { toSalesforceId18 } from "../../salesforce";
import { decodeCursor, pageOf } from "../cursor";
import { conversionLookup } from "./conversion-id";
import { type HistoryKey, type HistoryLookup, readHistory } from "./history.queries";
import type { recordHistory } from "./history.routes";
import { badQuery } from "./params";
import { describeRun, toApiRecord } from "./view";

const HISTORY = "history";

/** The lookup the query names, or a 400; a Conversion id is resolved to its record's Salesforce id or email. */
async function lookupFrom(
  db: Db,
  workspaceId: string,
  q: { salesforceId?: string; email?: string; conversionId?: string },
): Promise<HistoryLookup | null> {
  const given = (["salesforceId", "email", "conversionId"] as const).filter((k) => q[k] !== undefined);
  if (given.length > 1) throw badQuery(given[0]!, "give one of 'salesforceId', 'email' and 'conversionId'");
  if (q.salesforceId !== undefined) return { salesforceId: toSalesforceId18(q.salesforceId) };
  // Engines store emails lower-cased, so the lookup stays an index equality.
  if (q.email !== undefined) return { email: q.email.toLowerCase() };
  if (q.conversionId !== undefined) return conversionLookup(db, workspaceId, q.conversionId);
  throw badQuery("salesforceId", "give 'salesforceId', 'email' or 'conversionId'");
}

export const recordHistoryHandler: RouteHandler<typeof recordHistory, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  const db = shardDb(c.var.shardEnv);
  const by = await lookupFrom(db, c.get("workspaceId"), q);
  const cursor = q.cursor ? historyCursor(q.cursor) : null;
  // A Conversion id that names no record (never synced, or deleted since) has no history to show.
  if (!by) return c.json({ records: [], nextCursor: null }, 200);
  const entries = await readHistory(db, c.get("workspaceId"), by, cursor, q.limit + 1);
  const page = pageOf(entries, q.limit, HISTORY, (e) => [e.at, e.tie]);
  const records = page.items.map(({ record, run }) => ({
    ...toApiRecord(record, run.direction),
    run: {
      id: run.id,
      direction: run.direction,
      description: describeRun(run),
      startedAt: run.startedAt,
      status: run.status,
    },
  }));
  return c.json({ records, nextCursor: page.nextCursor }, 200);
};

/**
 * (at, tie) as this version pages history; a cursor from before migration 0013 ((createdAt, rowid))
 * still reads as "older than createdAt".
 */
function historyCursor(text: string): HistoryKey {
  try {
    return decodeCursor(text, HISTORY, ["string", "string"] as const);
  } catch {
    const [at] = decodeCursor(text, HISTORY, ["string", "number"] as const);
    return [at, ""];
  }
}
