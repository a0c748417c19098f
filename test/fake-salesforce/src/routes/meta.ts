// Resources that describe the org: the version root, describeGlobal, describe and limits.
import { describeObject, objectSummary } from "../describe";
import { ApiError, json } from "../http";
import { allObjects, type ObjectDef } from "../schema";
import type { ApiContext } from "./context";
import { DAILY_QUERY_JOBS } from "./jobs";

export function resourcesRoute(ctx: ApiContext): Response {
  const base = `/services/data/v${ctx.version}`;
  const names = ["sobjects", "query", "queryAll", "limits", "composite", "jobs", "search", "recent", "tooling"];
  return json({
    ...Object.fromEntries(names.map((n) => [n, `${base}/${n}`])),
    identity: `${ctx.url.origin}/id/${ctx.org.orgId}/${ctx.org.userId}`,
  });
}

export function describeGlobalRoute(ctx: ApiContext): Response {
  const hidden = ctx.org.faults.unreadable;
  return json({
    encoding: "UTF-8",
    maxBatchSize: 200,
    sobjects: allObjects()
      .filter((d) => hidden.get(d.name) !== "INVALID_TYPE")
      .map((d) => objectSummary(d, ctx.version)),
  });
}

export function describeRoute(ctx: ApiContext, def: ObjectDef): Response {
  ctx.log.kind = "describe";
  return json(describeObject(def, ctx.version, (field) => ctx.org.store.hiddenField(def.name, field)));
}

export function basicInfoRoute(ctx: ApiContext, def: ObjectDef): Response {
  return json({ objectDescribe: objectSummary(def, ctx.version), recentItems: [] });
}

const pool = (max: number, used = 0) => ({ Max: max, Remaining: Math.max(0, max - used) });

export function limitsRoute(ctx: ApiContext): Response {
  if (ctx.request.method !== "GET")
    throw new ApiError(
      405,
      "METHOD_NOT_ALLOWED",
      `HTTP Method '${ctx.request.method}' not allowed. Allowed are HEAD,GET`,
    );
  let records = 0;
  for (const t of ctx.org.store.tables()) records += t.rows.length;
  // Salesforce counts most records as 2 KB of data storage.
  const storageMb = Math.ceil((records * 2) / 1024);
  return json({
    ConcurrentAsyncGetReportInstances: pool(200),
    ConcurrentSyncReportRuns: pool(20),
    DailyApiRequests: pool(ctx.org.config.dailyLimit, ctx.org.usage.used),
    DailyAsyncApexExecutions: pool(250000),
    DailyBulkApiBatches: pool(15000),
    DailyBulkV2QueryFileStorageMB: pool(976562),
    DailyBulkV2QueryJobs: pool(DAILY_QUERY_JOBS, ctx.org.jobs.createdSince(Date.now() - 86_400_000)),
    DataStorageMB: pool(Math.max(1024, storageMb * 2), storageMb),
    FileStorageMB: pool(1024, 3),
    HourlyODataCallout: pool(20000),
    SingleEmail: pool(5000),
  });
}
