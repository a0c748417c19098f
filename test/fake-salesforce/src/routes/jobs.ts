// Bulk API 2.0 query jobs under /services/data/vNN.0/jobs/query (API 47.0 and later): create, look at,
// abort, delete, list, and results as CSV pages chained by Sforce-Locator. See README for the sources.

import { DELIMITERS, header, line } from "../bulk/csv";
import { advance, decodeLocator, encodeLocator, JOB_LIFESPAN_MS, type QueryJob } from "../bulk/jobs";
import { formatDateTime } from "../clock";
import { ApiError, json, methodNotAllowed, notFound, readJson } from "../http";
import { bulkJobMs, sleep } from "../latency";
import { SoqlError, soqlMessage } from "../soql/errors";
import { executeQuery } from "../soql/execute";
import { parseSoql } from "../soql/parser";
import type { ApiContext } from "./context";

/** Salesforce's allocation of query jobs per rolling 24 hours (DailyBulkV2QueryJobs). */
export const DAILY_QUERY_JOBS = 10_000;
const DAY_MS = 86_400_000;
// Results stream in chunks of about this many bytes, each paced to the latency model's rate.
const CHUNK_BYTES = 64 * 1024;

function jobInfo(job: QueryJob, detail: boolean): Record<string, unknown> {
  const info: Record<string, unknown> = {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: "",
    createdDate: formatDateTime(job.createdAt),
    systemModstamp: formatDateTime(job.createdAt),
    state: job.state,
    concurrencyMode: "Parallel",
    contentType: "CSV",
    apiVersion: Number(job.apiVersion),
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
  };
  if (!detail) return info;
  const done = job.state === "JobComplete";
  return {
    ...info,
    jobType: "V2Query",
    numberRecordsProcessed: done ? job.result.rows.length : 0,
    retries: 0,
    totalProcessingTime: done ? Math.max(0, Math.round(job.readyAt - job.createdAt)) : 0,
    isPkChunkingSupported: true,
    ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
  };
}

async function createJob(ctx: ApiContext): Promise<Response> {
  ctx.log.kind = "bulkCreate";
  const { org } = ctx;
  const body = (await readJson(ctx.request)) as Record<string, unknown> | null;
  const operation = body?.operation;
  const text = body?.query;
  if (operation !== "query" && operation !== "queryAll")
    throw new ApiError(400, "INVALIDJOB", "InvalidJob : operation must be query or queryAll");
  if (typeof text !== "string" || !text.trim()) throw new ApiError(400, "INVALIDJOB", "InvalidJob : query is required");
  if (body?.contentType !== undefined && body.contentType !== "CSV")
    throw new ApiError(400, "INVALIDJOB", "InvalidJob : contentType must be CSV");
  const delimiter = body?.columnDelimiter ?? "COMMA";
  if (typeof delimiter !== "string" || !DELIMITERS[delimiter])
    throw new ApiError(400, "INVALIDJOB", `InvalidJob : Invalid columnDelimiter: ${String(delimiter)}`);
  const lineEnding = body?.lineEnding ?? "LF";
  if (lineEnding !== "LF" && lineEnding !== "CRLF")
    throw new ApiError(400, "INVALIDJOB", `InvalidJob : Invalid lineEnding: ${String(lineEnding)}`);
  ctx.log.query = text;
  if (org.jobs.createdSince(Date.now() - DAY_MS) >= DAILY_QUERY_JOBS)
    throw new ApiError(400, "LIMIT_EXCEEDED", "Max limit of Bulk API 2.0 query jobs in the last 24 hours reached");
  let result: ReturnType<typeof executeQuery>;
  try {
    const q = parseSoql(text);
    if (q.select.kind !== "fields" || q.offset !== undefined)
      throw new ApiError(
        400,
        "API_ERROR",
        "Bulk API 2.0 does not support aggregate functions such as COUNT() or the OFFSET clause",
      );
    result = executeQuery(q, org.store, {
      includeDeleted: operation === "queryAll",
      hidden: (name) => org.faults.unreadable.get(name) === "INVALID_TYPE",
    });
  } catch (e) {
    if (e instanceof SoqlError) throw new ApiError(400, e.errorCode, soqlMessage(text, e));
    throw e;
  }
  const object = result.def.name;
  ctx.log.object = object;
  if (org.faults.unreadable.get(object) === "INSUFFICIENT_ACCESS")
    throw new ApiError(403, "INSUFFICIENT_ACCESS", "insufficient access rights on object id");
  const bulk = org.faults.bulk;
  if (bulk.unsupported.has(object))
    throw new ApiError(400, "INVALIDENTITY", `Entity '${object}' is not supported by the Bulk API.`);
  const now = Date.now();
  const model = org.faults.latencyModel;
  const failWith = bulk.failJobs > 0 ? bulk.failMessage : null;
  if (failWith) bulk.failJobs--;
  const job = org.jobs.add({
    operation,
    object,
    query: text,
    apiVersion: ctx.version,
    columnDelimiter: delimiter,
    lineEnding,
    createdAt: now,
    expiresAt: org.clock.now() + JOB_LIFESPAN_MS,
    state: "UploadComplete",
    readyAt: now + (model ? bulkJobMs(model, result.rows.length) : 0),
    pollsLeft: bulk.pollsUntilComplete,
    failWith,
    errorMessage: null,
    result,
  });
  if (bulk.abortJobs > 0) {
    bulk.abortJobs--;
    job.state = "Aborted";
  }
  return json(jobInfo(job, false));
}

function jobOf(ctx: ApiContext, id: string): QueryJob {
  const job = ctx.org.jobs.get(id, ctx.org.clock.now());
  if (!job) throw notFound();
  ctx.log.object = job.object;
  return job;
}

function results(ctx: ApiContext, job: QueryJob): Response {
  ctx.log.kind = "bulkResults";
  advance(job, Date.now(), false);
  if (job.apiVersion !== ctx.version)
    throw new ApiError(
      409,
      "INVALIDJOB",
      `InvalidJob : Get results with the API version the job was created with (${job.apiVersion})`,
    );
  if (job.state !== "JobComplete")
    throw new ApiError(
      400,
      "INVALIDJOB",
      `InvalidJob : Results are available once the job is JobComplete; it is ${job.state}`,
    );
  const params = ctx.url.searchParams;
  const locator = params.get("locator");
  const from = locator === null || locator === "" ? 0 : decodeLocator(locator);
  const rows = job.result.rows;
  if (from === null || from > rows.length) throw new ApiError(400, "INVALIDLOCATOR", `Invalid locator: ${locator}`);
  const maxRaw = params.get("maxRecords");
  const max = maxRaw === null ? ctx.org.faults.bulk.defaultMaxRecords : Number(maxRaw);
  if (!Number.isInteger(max) || max < 1)
    throw new ApiError(400, "INVALIDJOB", `InvalidJob : maxRecords must be a positive whole number: ${maxRaw}`);
  const to = Math.min(rows.length, from + max);
  const cut = ctx.org.faults.bulk.cutResultsAfter;
  ctx.org.faults.bulk.cutResultsAfter = 0;
  // What is sent: the whole set, or its first rows when the download is cut (Sforce-NumberOfRecords still says the whole).
  const end = cut ? Math.min(to, from + cut) : to;
  ctx.log.records = end - from;
  const columns = job.result.columns!;
  const delimiter = DELIMITERS[job.columnDelimiter]!;
  const eol = job.lineEnding === "CRLF" ? "\r\n" : "\n";
  const encoder = new TextEncoder();
  const model = ctx.org.faults.latencyModel;
  const started = Date.now();
  let next = from;
  let sent = 0;
  let head = true;
  const release = ctx.holdRelease();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let text = head ? header(columns, delimiter) + eol : "";
      head = false;
      while (next < end && text.length < CHUNK_BYTES) text += line(columns, rows[next++]!, delimiter) + eol;
      const bytes = encoder.encode(text);
      sent += bytes.length;
      // Paced: the chunk goes out when the rate says this many bytes could have been sent.
      if (model) await sleep(started + (sent / model.bulkBytesPerSecond) * 1000 - Date.now());
      controller.enqueue(bytes);
      if (next >= end) {
        controller.close();
        release();
      }
    },
    cancel() {
      release();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=UTF-8",
      "Sforce-NumberOfRecords": String(to - from),
      "Sforce-Locator": to < rows.length ? encodeLocator(to) : "null",
    },
  });
}

/** /jobs/query, /jobs/query/{id}, /jobs/query/{id}/results. */
export async function jobsRoute(ctx: ApiContext): Promise<Response> {
  const [, kind, id, sub, extra] = ctx.segments;
  const { org, request } = ctx;
  const method = request.method;
  // Bulk API 2.0 arrived in API 47.0; an org without it for this user knows no such resource.
  if (kind !== "query" || Number(ctx.version) < 47 || org.faults.bulk.disabled || extra !== undefined) throw notFound();
  if (!id) {
    if (method === "POST") return createJob(ctx);
    if (method === "GET") {
      ctx.log.kind = "bulkList";
      return json({
        done: true,
        records: org.jobs.list(org.clock.now()).map((j) => jobInfo(j, false)),
        nextRecordsUrl: null,
      });
    }
    throw methodNotAllowed(method, ["GET", "POST"]);
  }
  const job = jobOf(ctx, id);
  if (sub === "results") {
    if (method !== "GET") throw methodNotAllowed(method, ["GET"]);
    return results(ctx, job);
  }
  if (sub !== undefined) throw notFound();
  if (method === "GET") {
    ctx.log.kind = "bulkJob";
    return json(jobInfo(advance(job, Date.now(), true), true));
  }
  if (method === "PATCH") {
    ctx.log.kind = "bulkAbort";
    const body = (await readJson(request)) as { state?: unknown } | null;
    if (body?.state !== "Aborted")
      throw new ApiError(400, "INVALIDJOB", "InvalidJob : state can only be set to Aborted");
    advance(job, Date.now(), false);
    if (job.state === "JobComplete" || job.state === "Failed")
      throw new ApiError(400, "INVALIDJOB", `InvalidJob : A job that is ${job.state} cannot be aborted`);
    job.state = "Aborted";
    return json(jobInfo(job, false));
  }
  if (method === "DELETE") {
    ctx.log.kind = "bulkDelete";
    advance(job, Date.now(), false);
    if (job.state === "UploadComplete" || job.state === "InProgress")
      throw new ApiError(400, "INVALIDJOB", "InvalidJob : Abort the job before deleting it");
    org.jobs.delete(job.id);
    return new Response(null, { status: 204 });
  }
  throw methodNotAllowed(method, ["GET", "PATCH", "DELETE"]);
}
