import type { RouteHandler } from "@hono/zod-openapi";
import { getDb } from "../../db";
import type { AppEnv } from "../../env";
import { decodeCursor, pageOf } from "../../sync/runs/cursor";
import { describeRun, toApiRecord } from "../../sync/runs/view";
import type { recordHistory } from "./history.routes";
import { badQuery } from "./params";
import { type HistoryLookup, recordHistoryQuery } from "./runs.queries";
import { toSalesforceId18 } from "./salesforce-id";

const HISTORY = "history";

function lookupFrom(q: { salesforceId?: string; email?: string }): HistoryLookup {
  if (q.salesforceId !== undefined && q.email !== undefined) {
    throw badQuery("salesforceId", "give either 'salesforceId' or 'email', not both");
  }
  if (q.salesforceId !== undefined) return { salesforceId: toSalesforceId18(q.salesforceId) };
  // Engines store emails lower-cased, so the lookup stays an index equality.
  if (q.email !== undefined) return { email: q.email.toLowerCase() };
  throw badQuery("salesforceId", "give 'salesforceId' or 'email'");
}

export const recordHistoryHandler: RouteHandler<typeof recordHistory, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  const by = lookupFrom(q);
  const cursor = q.cursor ? decodeCursor(q.cursor, HISTORY, ["string", "number"] as const) : null;
  const rows = await recordHistoryQuery(getDb(c.env), c.get("workspaceId"), by, cursor, q.limit + 1).all();
  const page = pageOf(rows, q.limit, HISTORY, (r) => [r.record.createdAt, r.rowid]);
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
