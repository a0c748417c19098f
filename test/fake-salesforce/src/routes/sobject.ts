// /sobjects: describeGlobal, describe, single-record create/read/update/delete, upsert by
// external id, and the getDeleted/getUpdated resources.
import { formatDateTime, parseDateTime } from "../clock";
import { wireRecord } from "../format";
import { ApiError, json, methodNotAllowed, notFound, readJson } from "../http";
import { earliestAvailable, RECYCLE_BIN_MS } from "../recycle-bin";
import { type ObjectDef, objectByName } from "../schema";
import { buildUpsertIndex, externalIdField, planUpsert } from "../upsert";
import {
  findRow,
  type Planned,
  planCreate,
  planDelete,
  planUpdate,
  runBatch,
  type SaveResult,
  type WriteContext,
} from "../writes";
import type { ApiContext } from "./context";
import { basicInfoRoute, describeGlobalRoute, describeRoute } from "./meta";

// A single-record write answers 400 with the record's errors (404 when the record is gone), or the success status.
function single(planned: Planned, status: number, body: (r: SaveResult) => unknown): Response {
  const [result] = runBatch([planned], false);
  if (!result.success) {
    const notThere = result.errors.some((e) => e.statusCode === "INVALID_CROSS_REFERENCE_KEY" && e.fields.length === 0);
    if (notThere) throw notFound();
    const deleted = result.errors.some((e) => e.statusCode === "ENTITY_IS_DELETED" && e.fields.length === 0);
    return json(
      result.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })),
      deleted ? 404 : 400,
    );
  }
  const b = body(result);
  return b === null ? new Response(null, { status }) : json(b, status);
}

async function recordRoute(ctx: ApiContext, def: ObjectDef, rawId: string, w: WriteContext): Promise<Response> {
  const method = ctx.request.method;
  const { id, def: owner, row } = findRow(ctx.org, rawId);
  if (!id || owner !== def) throw notFound();
  ctx.log.kind = `sobject_${method.toLowerCase()}`;
  if (method === "GET") {
    if (!row || row.IsDeleted) throw notFound();
    const wanted = ctx.url.searchParams
      .get("fields")
      ?.split(",")
      .map((n) => {
        const f = def.byName.get(n.trim().toLowerCase());
        if (!f) throw new ApiError(400, "INVALID_FIELD", `No such column '${n}' on entity '${def.name}'.`);
        return f;
      });
    return json(wireRecord(def, row, ctx.version, wanted));
  }
  if (method === "PATCH")
    return single(planUpdate(w, id, (await readJson(ctx.request)) as Record<string, unknown>), 204, () => null);
  if (method === "DELETE") return single(planDelete(w, id), 204, () => null);
  throw methodNotAllowed(method, ["GET", "PATCH", "DELETE", "HEAD"]);
}

async function upsertRoute(
  ctx: ApiContext,
  def: ObjectDef,
  fieldName: string,
  value: string,
  w: WriteContext,
): Promise<Response> {
  const f = externalIdField(def, fieldName, ctx.org);
  ctx.log.kind = "sobject_upsert";
  if (ctx.request.method !== "PATCH") throw methodNotAllowed(ctx.request.method, ["PATCH"]);
  const input = { ...((await readJson(ctx.request)) as Record<string, unknown>), [f.name]: value };
  const planned = planUpsert(w, def, f, input, buildUpsertIndex(ctx.org, def, f), new Set());
  const created = planned.result.created === true;
  return single(planned, created ? 201 : 200, (r) => ({ id: r.id, success: true, errors: [], created }));
}

// getDeleted/getUpdated: start must precede end by more than a minute; deletions reach back 15
// days at most (less once rows were purged: earliestDateAvailable says from when); latestDateCovered
// is the last whole minute the answer is complete for; more than 600,000 ids is EXCEEDED_ID_LIMIT.
function changedBetween(ctx: ApiContext, def: ObjectDef, deleted: boolean): Response {
  const start = parseDateTime(ctx.url.searchParams.get("start") ?? "");
  const end = parseDateTime(ctx.url.searchParams.get("end") ?? "");
  if (start === null || end === null || end - start <= 60_000)
    throw new ApiError(400, "INVALID_REPLICATION_DATE", "start date must chronologically precede end date");
  ctx.log.kind = deleted ? "getDeleted" : "getUpdated";
  const now = ctx.org.clock.now();
  const from = deleted ? Math.max(start, now - RECYCLE_BIN_MS) : start;
  const rows = ctx.org.store
    .table(def.name)!
    .rows.filter((r) => r.IsDeleted === deleted && r.SystemModstamp >= from && r.SystemModstamp <= end);
  if (rows.length > 600_000)
    throw new ApiError(
      400,
      "EXCEEDED_ID_LIMIT",
      "record limit reached. cannot submit more than 600000 records into this call",
    );
  const latest = formatDateTime(Math.min(end, Math.floor(now / 60_000) * 60_000));
  if (!deleted) return json({ ids: rows.map((r) => r.Id), latestDateCovered: latest });
  return json({
    deletedRecords: rows.map((r) => ({ id: r.Id, deletedDate: formatDateTime(r.SystemModstamp) })),
    earliestDateAvailable: formatDateTime(earliestAvailable(ctx.org, def.name)),
    latestDateCovered: latest,
  });
}

/** Everything under /sobjects. */
export async function sobjectRoute(ctx: ApiContext): Promise<Response> {
  const [, objectName, second, third, extra] = ctx.segments;
  const method = ctx.request.method;
  if (!objectName) {
    ctx.log.kind = "describeGlobal";
    return describeGlobalRoute(ctx);
  }
  // An unknown or hidden object in a REST path is a missing resource, not a bad request.
  const def = objectByName(objectName);
  if (!def || ctx.org.faults.unreadable.get(def.name) === "INVALID_TYPE") throw notFound();
  ctx.log.object = def.name;
  const w: WriteContext = { org: ctx.org, stamp: ctx.org.clock.stamp() };
  if (extra !== undefined) throw notFound();
  if (!second) {
    if (method === "GET") return basicInfoRoute(ctx, def);
    if (method !== "POST") throw methodNotAllowed(method, ["GET", "POST", "HEAD"]);
    ctx.log.kind = "sobject_create";
    const planned = planCreate(w, def, (await readJson(ctx.request)) as Record<string, unknown>);
    return single(planned, 201, (r) => ({ id: r.id, success: true, errors: [] }));
  }
  if (ctx.org.faults.unreadable.get(def.name) === "INSUFFICIENT_ACCESS" && method === "GET") {
    throw new ApiError(403, "INSUFFICIENT_ACCESS", "insufficient access rights on object id");
  }
  if (second === "describe" && !third) return describeRoute(ctx, def);
  if ((second === "deleted" || second === "updated") && !third) return changedBetween(ctx, def, second === "deleted");
  if (third) return upsertRoute(ctx, def, second, decodeURIComponent(third), w);
  return recordRoute(ctx, def, second, w);
}
