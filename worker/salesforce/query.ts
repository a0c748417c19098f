import { SalesforceError } from "./errors";
import type { Transport } from "./transport";
import { SALESFORCE_API_VERSION } from "./version";

/** A record as the REST API returns it: fields plus `attributes: {type, url}`. */
export type SalesforceRecord = { attributes?: { type: string; url?: string }; Id?: string } & Record<string, unknown>;

export type QueryPage = { records: SalesforceRecord[]; totalSize: number };

export type QueryOptions = {
  /** queryAll: include deleted and archived rows (IsDeleted). */
  all?: boolean;
  /** Sforce-Query-Options batchSize, clamped to Salesforce's 200–2000; a hint, not a promise. */
  batchSize?: number;
  /**
   * The SOQL to run when a query locator dies mid-way, given the last record already yielded
   * (null if none), so the caller can resume after its keyset. Without it the error is thrown.
   */
  restart?: (lastSeen: SalesforceRecord | null) => string;
};

type QueryResponse = { totalSize?: number; done?: boolean; nextRecordsUrl?: string; records?: SalesforceRecord[] };

const LOCATOR_ERRORS = new Set(["INVALID_QUERY_LOCATOR", "QUERY_LOCATOR_EXPIRED", "INVALID_QUERY_LOCATOR_FORMAT"]);
// Restarts in a row without a page in between: a query that keeps losing its locator is a real failure.
const MAX_RESTARTS_WITHOUT_PROGRESS = 3;

function firstPagePath(soql: string, all: boolean): string {
  return `/services/data/${SALESFORCE_API_VERSION}/${all ? "queryAll" : "query"}?q=${encodeURIComponent(soql)}`;
}

function isLocatorError(err: unknown): boolean {
  return err instanceof SalesforceError && LOCATOR_ERRORS.has(err.sfErrorCode ?? "");
}

/** Pages through a SOQL result following nextRecordsUrl; restarts on a dead query locator. */
export async function* queryPages(
  transport: Transport,
  soql: string,
  opts: QueryOptions = {},
): AsyncGenerator<QueryPage> {
  const batchSize = Math.min(2000, Math.max(200, Math.floor(opts.batchSize ?? 2000)));
  const headers = { "sforce-query-options": `batchSize=${batchSize}` };
  const all = opts.all ?? false;
  let path = firstPagePath(soql, all);
  let lastSeen: SalesforceRecord | null = null;
  let restartsInARow = 0;
  for (;;) {
    let page: QueryResponse;
    try {
      page = await transport.requestJson<QueryResponse>("GET", path, { headers });
    } catch (err) {
      if (!isLocatorError(err) || !opts.restart || restartsInARow >= MAX_RESTARTS_WITHOUT_PROGRESS) throw err;
      restartsInARow++;
      path = firstPagePath(opts.restart(lastSeen), all);
      continue;
    }
    restartsInARow = 0;
    const records = Array.isArray(page.records) ? page.records : [];
    if (records.length) lastSeen = records[records.length - 1] ?? lastSeen;
    yield { records, totalSize: typeof page.totalSize === "number" ? page.totalSize : records.length };
    if (page.done === true || !page.nextRecordsUrl) return;
    path = page.nextRecordsUrl;
  }
}
