import { SalesforceError } from "../errors";
import type { SalesforceRecord } from "../query";
import type { Transport } from "../transport";
import { SALESFORCE_API_VERSION } from "../version";
import { CsvError, csvRows } from "./csv";

export type BulkJobState = "UploadComplete" | "InProgress" | "JobComplete" | "Failed" | "Aborted";

/** A Bulk API 2.0 query job as Salesforce reports it (only what the sync reads). */
export interface BulkJob {
  id: string;
  state: BulkJobState;
  /** Why a job Failed, when Salesforce says. */
  errorMessage: string | null;
  numberRecordsProcessed: number | null;
}

/** One set of a job's results: its size and the next set's locator come first, its records as they arrive. */
export interface BulkResultSet {
  /** Sforce-NumberOfRecords: records in this set. */
  count: number;
  /** Sforce-Locator of the next set; null after the last. */
  next: string | null;
  records: AsyncGenerator<SalesforceRecord, void, undefined>;
}

const STATES = new Set<BulkJobState>(["UploadComplete", "InProgress", "JobComplete", "Failed", "Aborted"]);
const NUMERIC = new Set(["double", "currency", "percent", "int", "long"]);
const JOB_ID = /^[a-zA-Z0-9]{15,18}$/;

function jobFrom(body: unknown): BulkJob {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.id !== "string" || !JOB_ID.test(b.id) || !STATES.has(b.state as BulkJobState)) {
    throw new SalesforceError({
      failureCode: "unknown_error",
      message: "Salesforce's Bulk API answer has no job id or state",
    });
  }
  return {
    id: b.id,
    state: b.state as BulkJobState,
    errorMessage: typeof b.errorMessage === "string" && b.errorMessage ? b.errorMessage.slice(0, 500) : null,
    numberRecordsProcessed: typeof b.numberRecordsProcessed === "number" ? b.numberRecordsProcessed : null,
  };
}

/**
 * Bulk API 2.0 is not there for this object or this org: no such resource (an API version or org
 * without it), an object the Bulk API does not support, or a feature switched off. Reads fall back to REST.
 */
export function isBulkUnavailable(err: unknown): boolean {
  if (!(err instanceof SalesforceError)) return false;
  return err.status === 404 || err.sfErrorCode === "INVALIDENTITY" || err.sfErrorCode === "FUNCTIONALITY_NOT_ENABLED";
}

/**
 * Turns CSV rows into records shaped as the REST API returns them: field types from describe
 * (`types`, lower-cased names) make "true" a boolean and "12.5" a number; an empty unquoted value is
 * null; `Parent.Field` columns nest under the relationship, as REST does.
 */
export function recordFromRow(
  object: string,
  header: string[],
  row: (string | null)[],
  types: ReadonlyMap<string, string>,
): SalesforceRecord {
  const out: SalesforceRecord = { attributes: { type: object } };
  for (let i = 0; i < header.length; i++) {
    const name = header[i]!;
    const raw = i < row.length ? row[i]! : null;
    const dot = name.indexOf(".");
    const type = dot < 0 ? types.get(name.toLowerCase()) : undefined;
    let value: unknown = raw;
    if (raw !== null && type === "boolean") value = raw === "true" ? true : raw === "false" ? false : raw;
    else if (raw !== null && raw !== "" && type && NUMERIC.has(type)) {
      const n = Number(raw);
      value = Number.isFinite(n) ? n : raw;
    } else if (raw === "" && type && type !== "string" && type !== "textarea") value = null;
    if (dot < 0) out[name] = value;
    else {
      const rel = name.slice(0, dot);
      const parent = (out[rel] as Record<string, unknown> | null | undefined) ?? {};
      parent[name.slice(dot + 1)] = value;
      out[rel] = parent;
    }
  }
  return out;
}

/** Bulk API 2.0 query jobs on the org's instance: create, look at, read results set by set, abort, delete. */
export function createBulkQueries(transport: Transport) {
  const base = `/services/data/${SALESFORCE_API_VERSION}/jobs/query`;
  const jobPath = (id: string) => {
    if (!JOB_ID.test(id))
      throw new SalesforceError({ failureCode: "unknown_error", message: `Not a Bulk job id: ${id.slice(0, 40)}` });
    return `${base}/${id}`;
  };
  return {
    /** Starts a query job (queryAll: deleted and merged records come too). */
    async createQueryJob(soql: string, opts: { all: boolean }): Promise<BulkJob> {
      const body = {
        operation: opts.all ? "queryAll" : "query",
        query: soql,
        contentType: "CSV",
        columnDelimiter: "COMMA",
        lineEnding: "LF",
      };
      // Not idempotent: a lost answer would leave a job nobody reads (it expires in 7 days), not wrong data.
      return jobFrom(await transport.requestJson("POST", base, { body }));
    },
    async queryJob(id: string): Promise<BulkJob> {
      return jobFrom(await transport.requestJson("GET", jobPath(id)));
    },
    /**
     * One set of a finished job's results. The body is parsed as it streams (records are typed by
     * `types`); stop reading early and the download is cancelled.
     */
    async queryResults(
      id: string,
      opts: { object: string; locator: string | null; maxRecords: number; types: ReadonlyMap<string, string> },
    ): Promise<BulkResultSet> {
      const q = new URLSearchParams({ maxRecords: String(opts.maxRecords) });
      if (opts.locator) q.set("locator", opts.locator);
      const res = await transport.request("GET", `${jobPath(id)}/results?${q}`, { headers: { accept: "text/csv" } });
      const count = Number(res.headers.get("sforce-numberofrecords"));
      const locator = res.headers.get("sforce-locator");
      const body = res.body;
      if (!body || !Number.isInteger(count) || count < 0) {
        await body?.cancel();
        throw new SalesforceError({
          failureCode: "unknown_error",
          transient: true,
          message: "Salesforce's Bulk API results came without Sforce-NumberOfRecords or a body",
        });
      }
      async function* records(): AsyncGenerator<SalesforceRecord, void, undefined> {
        let header: string[] | null = null;
        let seen = 0;
        try {
          for await (const row of csvRows(body!)) {
            if (!header) {
              header = row.map((h) => h ?? "");
              continue;
            }
            seen++;
            yield recordFromRow(opts.object, header, row, opts.types);
          }
        } catch (err) {
          if (!(err instanceof CsvError)) throw err;
          // Read again from the same locator: a set Salesforce sent whole parses.
          throw new SalesforceError({ failureCode: "unknown_error", transient: true, message: err.message });
        }
        // A set cut short (a dropped connection) must not pass for a whole one.
        if (seen !== count)
          throw new SalesforceError({
            failureCode: "unknown_error",
            transient: true,
            message: `Salesforce's Bulk API results set held ${seen} records, not the ${count} it announced`,
          });
      }
      return { count, next: locator && locator !== "null" ? locator : null, records: records() };
    },
    async abortQueryJob(id: string): Promise<void> {
      await transport.requestJson("PATCH", jobPath(id), { body: { state: "Aborted" } });
    },
    async deleteQueryJob(id: string): Promise<void> {
      await transport.requestJson("DELETE", jobPath(id));
    },
  };
}
