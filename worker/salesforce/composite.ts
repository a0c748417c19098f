import { normalizeResults, type SaveResult, toWire } from "./collections";
import { classifyApiError, SalesforceError } from "./errors";
import { soqlString } from "./soql";
import type { Transport } from "./transport";
import { assertSObjectName } from "./urls";
import { SALESFORCE_API_VERSION } from "./version";

const BASE = `/services/data/${SALESFORCE_API_VERSION}`;

/** How a collection write names its records: new ones, by Salesforce id, or by an External ID field. */
export type WriteOp = { kind: "create" } | { kind: "update" } | { kind: "upsert"; field: string };

/** The created and updated times Salesforce assigned a written record (ISO strings as Salesforce sends them). */
/** `modstamp`: the SystemModstamp of the version read back, when the read had it. */
export type RecordTimes = { createdAt: string | null; updatedAt: string | null; modstamp?: string | null };

export interface WriteAnswer {
  results: SaveResult[];
  /** By Salesforce id; missing for records whose times could not be read. */
  times: Map<string, RecordTimes>;
}

type SubResult = { body: unknown; httpStatusCode: number; referenceId: string };

function timesQuery(object: string, key: string, values: string[]): string {
  return `SELECT Id, CreatedDate, LastModifiedDate, SystemModstamp FROM ${object} WHERE ${key} IN (${values.map(soqlString).join(", ")})`;
}

function readTimes(body: unknown): Map<string, RecordTimes> {
  const out = new Map<string, RecordTimes>();
  const records = (body as { records?: unknown } | null)?.records;
  if (!Array.isArray(records)) return out;
  for (const r of records as Record<string, unknown>[]) {
    if (typeof r?.Id !== "string") continue;
    out.set(r.Id, {
      createdAt: typeof r.CreatedDate === "string" ? r.CreatedDate : null,
      updatedAt: typeof r.LastModifiedDate === "string" ? r.LastModifiedDate : null,
      modstamp: typeof r.SystemModstamp === "string" ? r.SystemModstamp : null,
    });
  }
  return out;
}

/** A subrequest that failed as a whole is the same failure a direct call would have been. */
function subrequestError(sub: SubResult | undefined): SalesforceError {
  if (!sub)
    return new SalesforceError({
      failureCode: "unknown_error",
      message: "Salesforce's composite answer is incomplete",
    });
  const first = (Array.isArray(sub.body) ? sub.body[0] : sub.body) as { errorCode?: unknown; message?: unknown } | null;
  const code = typeof first?.errorCode === "string" ? first.errorCode : undefined;
  const detail = typeof first?.message === "string" ? first.message : `HTTP ${sub.httpStatusCode}`;
  return classifyApiError(
    sub.httpStatusCode,
    code,
    `Salesforce answered ${sub.httpStatusCode}${code ? ` ${code}` : ""}: ${detail.slice(0, 500)}`,
  );
}

/**
 * Collection writes that also bring back Salesforce's created and updated times. One Composite
 * request holds the write and a query of the written records, and Salesforce counts the whole
 * series as one API call: the times cost nothing against the org's limit. Subrequests run in order
 * (collateSubrequests false), so the query sees the write. Updates and upserts name their records
 * up front (ids, external ids); creates reference the write's answer (`@{write[i].id}`), which
 * resolves only when every record was created, so after a partly failed create the times of the
 * created ones are read with one more query.
 */
export function createCompositeWriter(transport: Transport) {
  async function composite(subrequests: unknown[], idempotent: boolean): Promise<SubResult[]> {
    const body = { allOrNone: false, collateSubrequests: false, compositeRequest: subrequests };
    const answer = await transport.requestJson<{ compositeResponse?: SubResult[] }>("POST", `${BASE}/composite`, {
      body,
      idempotent,
    });
    const subs = answer?.compositeResponse;
    if (!Array.isArray(subs) || subs.length !== subrequests.length) {
      throw new SalesforceError({
        failureCode: "unknown_error",
        transient: true,
        message: "Salesforce answered a composite request with an unexpected body",
      });
    }
    return subs;
  }

  async function queryTimes(object: string, ids: string[]): Promise<Map<string, RecordTimes>> {
    if (!ids.length) return new Map();
    const path = `${BASE}/query?q=${encodeURIComponent(timesQuery(object, "Id", ids))}`;
    return readTimes(await transport.requestJson<unknown>("GET", path));
  }

  return {
    /** Writes ≤200 records of one object (allOrNone false); results in input order, with their times. */
    async writeWithTimes(object: string, op: WriteOp, records: Record<string, unknown>[]): Promise<WriteAnswer> {
      const type = assertSObjectName(object);
      const wire = { allOrNone: false, records: records.map((r) => toWire(type, r, op.kind === "update")) };
      const write =
        op.kind === "upsert"
          ? { method: "PATCH", url: `${BASE}/composite/sobjects/${type}/${assertSObjectName(op.field)}` }
          : { method: op.kind === "create" ? "POST" : "PATCH", url: `${BASE}/composite/sobjects` };
      const keys =
        op.kind === "update"
          ? { field: "Id", values: records.map((r) => String(r.Id ?? r.id)) }
          : op.kind === "upsert"
            ? { field: op.field, values: records.map((r) => String(r[op.field])) }
            : { field: "Id", values: records.map((_, i) => `@{write[${i}].id}`) };
      const query = `${BASE}/query?q=${encodeURIComponent(timesQuery(type, keys.field, keys.values))}`;
      const [written, read] = await composite(
        [
          { ...write, referenceId: "write", body: wire },
          { method: "GET", url: query, referenceId: "times" },
        ],
        // Only an update may be sent again blindly: a repeated upsert is harmless to Salesforce but
        // its answer ("updated") would hide that the lost attempt created the record.
        op.kind === "update",
      );
      if (!written || written.httpStatusCode >= 300) throw subrequestError(written);
      const results = normalizeResults(written.body, records.length);
      if (read && read.httpStatusCode < 300) return { results, times: readTimes(read.body) };
      // The records are written whatever happens to their times: a failed read leaves them without.
      const ids = results.flatMap((r) => (r.success && r.id ? [r.id] : []));
      const times = await queryTimes(type, ids).catch(() => new Map<string, RecordTimes>());
      return { results, times };
    },
  };
}
