// /query, /queryAll and query locators (nextRecordsUrl). Pages hold the Sforce-Query-Options
// batchSize (200–2,000, default 2,000); a locator keeps a snapshot of the whole result set.

import { corrupt, slowPageMs } from "../faults";
import { ApiError, json } from "../http";
import { queryPageMs } from "../latency";
import type { Cursor } from "../locators";
import { afterPageServed } from "../mutate";
import { SoqlError, soqlMessage } from "../soql/errors";
import { executeQuery } from "../soql/execute";
import { parseSoql } from "../soql/parser";
import { projectRow } from "../soql/project";
import type { ApiContext } from "./context";

function batchSize(request: Request): number {
  const m = /batchSize\s*=\s*(\d+)/i.exec(request.headers.get("sforce-query-options") ?? "");
  if (!m) return 2000;
  return Math.min(2000, Math.max(200, Number(m[1])));
}

function page(ctx: ApiContext, cursor: Cursor, locator: string | null, offset: number): Response {
  const { result } = cursor;
  const size = batchSize(ctx.request);
  const rows = result.rows.slice(offset, offset + size);
  const end = offset + rows.length;
  const done = end >= result.rows.length;
  if (!done && !locator) locator = ctx.org.locators.open(result);
  const body: Record<string, unknown> = { totalSize: result.totalSize, done };
  if (!done) body.nextRecordsUrl = `/services/data/v${ctx.version}/query/${locator}-${end}`;
  body.records = rows.map((r) => corrupt(ctx.org.faults, projectRow(result, r, ctx.version), r.Id as string));
  Object.assign(ctx.log, { object: cursor.object, batchSize: size, records: rows.length });
  const model = ctx.org.faults.latencyModel;
  if (model) ctx.cost += queryPageMs(model, rows.length, result.columns?.length ?? 1);
  ctx.cost += slowPageMs(ctx.org.faults, cursor.object, offset > 0);
  afterPageServed(ctx.org, cursor.object, ctx.org.clock.stamp());
  return json(body);
}

function runQuery(ctx: ApiContext, all: boolean): Response {
  const text = ctx.url.searchParams.get("q");
  ctx.log.kind = all ? "queryAll" : "query";
  if (!text) throw new ApiError(400, "MALFORMED_QUERY", "A query string has to be specified");
  ctx.log.query = text;
  const { faults } = ctx.org;
  try {
    const q = parseSoql(text);
    const result = executeQuery(q, ctx.org.store, {
      includeDeleted: all,
      hidden: (name) => faults.unreadable.get(name) === "INVALID_TYPE",
    });
    ctx.log.object = result.def.name;
    if (faults.unreadable.get(result.def.name) === "INSUFFICIENT_ACCESS") {
      throw new ApiError(403, "INSUFFICIENT_ACCESS", "insufficient access rights on object id");
    }
    const timeout = faults.queryTimeout;
    if (timeout && (!timeout.object || timeout.object === result.def.name) && result.scanned > timeout.maxRows) {
      // Salesforce stops a query after about 120 s of execution; an unselective one over a large object does.
      throw new ApiError(400, "QUERY_TIMEOUT", "Your query request was running for too long.");
    }
    if (result.columns === null) {
      const records =
        result.aggregate === undefined ? [] : [{ attributes: { type: "AggregateResult" }, expr0: result.aggregate }];
      return json({ totalSize: result.aggregate === undefined ? result.totalSize : 1, done: true, records });
    }
    return page(ctx, { result, object: result.def.name }, null, 0);
  } catch (e) {
    if (e instanceof SoqlError) throw new ApiError(400, e.errorCode, soqlMessage(text, e));
    throw e;
  }
}

function queryMore(ctx: ApiContext, token: string): Response {
  ctx.log.kind = "queryMore";
  const m = /^(.+)-(\d+)$/.exec(token);
  const cursor = m ? ctx.org.locators.get(m[1]) : undefined;
  const offset = m ? Number(m[2]) : NaN;
  if (!cursor || !(offset <= cursor.result.rows.length)) {
    throw new ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
  }
  return page(ctx, cursor, m![1], offset);
}

/** GET /query?q=, /queryAll?q=, /query/<locator>-<offset> (also under /queryAll/). */
export function queryRoute(ctx: ApiContext): Response {
  const [resource, token, extra] = ctx.segments;
  if (ctx.request.method !== "GET")
    throw new ApiError(
      405,
      "METHOD_NOT_ALLOWED",
      `HTTP Method '${ctx.request.method}' not allowed. Allowed are HEAD,GET`,
    );
  if (extra !== undefined) throw new ApiError(404, "NOT_FOUND", "The requested resource does not exist");
  if (token) return queryMore(ctx, token);
  return runQuery(ctx, resource === "queryAll");
}
