// sObject Collections: POST (create), PATCH (update), DELETE (?ids=) on /composite/sobjects,
// PATCH /composite/sobjects/{Object}/{ExternalIdField} (upsert) and retrieve by ids.
// At most 200 records per call; results come back in request order.

import { wireRecord } from "../format";
import { ApiError, json, methodNotAllowed, notFound, readJson } from "../http";
import { normalizeId } from "../ids";
import { type ObjectDef, objectByName } from "../schema";
import { buildUpsertIndex, externalIdField, planUpsert } from "../upsert";
import { refuseWrite } from "../write-faults";
import { type Planned, planCreate, planDelete, planUpdate, runBatch, type WriteContext } from "../writes";
import type { ApiContext } from "./context";

const MAX_RECORDS = 200;
const tooMany = () =>
  new ApiError(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call");

/** The object a request may touch: unknown objects and hidden ones are INVALID_TYPE for the whole call. */
export function visibleObject(ctx: ApiContext, name: unknown): ObjectDef {
  const def = typeof name === "string" ? objectByName(name) : undefined;
  if (!def || ctx.org.faults.unreadable.get(def.name) === "INVALID_TYPE") {
    throw new ApiError(
      400,
      "INVALID_TYPE",
      `sObject type '${String(name)}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  return def;
}

async function readBatch(ctx: ApiContext): Promise<{ allOrNone: boolean; records: Record<string, unknown>[] }> {
  const body = (await readJson(ctx.request)) as { allOrNone?: unknown; records?: unknown };
  if (!body || typeof body !== "object" || !Array.isArray(body.records)) {
    throw new ApiError(
      400,
      "JSON_PARSER_ERROR",
      "Cannot deserialize instance of SObjectCollectionRequest: records is required",
    );
  }
  if (body.records.length > MAX_RECORDS) throw tooMany();
  return { allOrNone: body.allOrNone === true, records: body.records as Record<string, unknown>[] };
}

const typeOf = (r: Record<string, unknown>) => (r.attributes as { type?: unknown } | undefined)?.type;

async function createOrUpdate(ctx: ApiContext, wctx: WriteContext, update: boolean): Promise<Response> {
  const { allOrNone, records } = await readBatch(ctx);
  refuseWrite(ctx.org.faults, String(typeOf(records[0] ?? {}) ?? ""));
  const planned: Planned[] = records.map((r) => {
    const def = visibleObject(ctx, typeOf(r));
    if (!update) return planCreate(wctx, def, r);
    const idKey = Object.keys(r).find((k) => k.toLowerCase() === "id");
    return planUpdate(wctx, idKey ? r[idKey] : undefined, r);
  });
  Object.assign(ctx.log, {
    kind: "collections",
    op: update ? "update" : "create",
    records: records.length,
    object: String(typeOf(records[0] ?? {}) ?? ""),
  });
  return json(runBatch(planned, allOrNone));
}

async function upsert(ctx: ApiContext, wctx: WriteContext, def: ObjectDef, fieldName: string): Promise<Response> {
  const f = externalIdField(def, fieldName, ctx.org);
  const { allOrNone, records } = await readBatch(ctx);
  refuseWrite(ctx.org.faults, def.name);
  const index = buildUpsertIndex(ctx.org, def, f);
  const seen = new Set<string>();
  const planned = records.map((r) => planUpsert(wctx, def, f, r, index, seen));
  Object.assign(ctx.log, { kind: "collections", op: "upsert", records: records.length, object: def.name });
  return json(runBatch(planned, allOrNone).map((r) => ({ ...r, created: r.created ?? false })));
}

function destroy(ctx: ApiContext, wctx: WriteContext): Response {
  const ids = (ctx.url.searchParams.get("ids") ?? "").split(",").filter(Boolean);
  if (ids.length === 0) throw new ApiError(400, "MISSING_ARGUMENT", "ids parameter is required");
  if (ids.length > MAX_RECORDS) throw tooMany();
  const allOrNone = ctx.url.searchParams.get("allOrNone") === "true";
  Object.assign(ctx.log, { kind: "collections", op: "delete", records: ids.length });
  return json(
    runBatch(
      ids.map((id) => planDelete(wctx, id)),
      allOrNone,
    ),
  );
}

async function retrieve(ctx: ApiContext, def: ObjectDef): Promise<Response> {
  let ids: unknown = ctx.url.searchParams.get("ids")?.split(",");
  let fields: unknown = ctx.url.searchParams.get("fields")?.split(",");
  if (ctx.request.method === "POST")
    ({ ids, fields } = (await readJson(ctx.request)) as { ids: unknown; fields: unknown });
  if (!Array.isArray(ids) || !Array.isArray(fields))
    throw new ApiError(400, "MISSING_ARGUMENT", "ids and fields are required");
  if (ids.length > 2000) throw tooMany();
  const defs = fields.map((name) => {
    const f = def.byName.get(String(name).toLowerCase());
    if (!f) throw new ApiError(400, "INVALID_FIELD", `No such column '${String(name)}' on entity '${def.name}'.`);
    return f;
  });
  const table = ctx.org.store.table(def.name)!;
  Object.assign(ctx.log, { kind: "collections", op: "retrieve", records: ids.length, object: def.name });
  return json(
    ids.map((raw) => {
      const row = table.byId.get(normalizeId(String(raw)) ?? "");
      return row && !row.IsDeleted ? wireRecord(def, row, ctx.version, defs) : null;
    }),
  );
}

/** Everything under /composite/sobjects. */
export async function collectionsRoute(ctx: ApiContext): Promise<Response> {
  const [, , objectName, fieldName, extra] = ctx.segments;
  const method = ctx.request.method;
  const wctx: WriteContext = { org: ctx.org, stamp: ctx.org.clock.stamp() };
  if (extra !== undefined) throw notFound();
  if (!objectName) {
    if (method === "POST") return createOrUpdate(ctx, wctx, false);
    if (method === "PATCH") return createOrUpdate(ctx, wctx, true);
    if (method === "DELETE") return destroy(ctx, wctx);
    throw methodNotAllowed(method, ["POST", "PATCH", "DELETE"]);
  }
  const def = visibleObject(ctx, objectName);
  if (!fieldName) {
    if (method === "GET" || method === "POST") return retrieve(ctx, def);
    throw methodNotAllowed(method, ["GET", "POST"]);
  }
  if (method !== "PATCH") throw methodNotAllowed(method, ["PATCH"]);
  return upsert(ctx, wctx, def, fieldName);
}
