import { SalesforceError } from "./errors";
import type { Transport } from "./transport";
import { assertSObjectName } from "./urls";
import { SALESFORCE_API_VERSION } from "./version";

/** Salesforce's per-record answer; `errors` use `statusCode` here, unlike call-level errors. */
export type SaveResult = {
  id: string | null;
  success: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
  /** Upserts only: whether the record was created (true) or matched and updated (false). */
  created?: boolean;
};

/** sObject Collections take at most 200 records per call. */
export const COLLECTION_LIMIT = 200;

const PATH = `/services/data/${SALESFORCE_API_VERSION}/composite/sobjects`;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += COLLECTION_LIMIT) out.push(items.slice(i, i + COLLECTION_LIMIT));
  return out;
}

/** Salesforce's per-record answers, checked to be one per record sent. */
export function normalizeResults(raw: unknown, expected: number): SaveResult[] {
  if (!Array.isArray(raw) || raw.length !== expected) {
    throw new SalesforceError({
      failureCode: "unknown_error",
      message: `Salesforce answered a collections call of ${expected} records with an unexpected body`,
    });
  }
  return raw.map((r: Record<string, unknown>) => ({
    id: typeof r?.id === "string" ? r.id : null,
    success: r?.success === true,
    ...(typeof r?.created === "boolean" ? { created: r.created } : {}),
    errors: (Array.isArray(r?.errors) ? r.errors : []).map((e: Record<string, unknown>) => ({
      statusCode: String(e?.statusCode ?? e?.errorCode ?? "UNKNOWN_EXCEPTION"),
      message: String(e?.message ?? ""),
      fields: Array.isArray(e?.fields) ? e.fields.map(String) : [],
    })),
  }));
}

/** A record as sObject Collections take it; Salesforce's examples name the record id `id`, callers hold `Id`. */
export function toWire(type: string, record: Record<string, unknown>, withId: boolean): Record<string, unknown> {
  const { Id, id, attributes: _ignored, ...fields } = record;
  return { attributes: { type }, ...(withId ? { id: id ?? Id } : {}), ...fields };
}

/** One failed neighbour never fails the rest: every call is allOrNone=false. Results keep input order. */
export function createCollectionsWriter(transport: Transport) {
  async function save(
    method: "POST" | "PATCH",
    object: string,
    records: Record<string, unknown>[],
  ): Promise<SaveResult[]> {
    const type = assertSObjectName(object);
    const results: SaveResult[] = [];
    for (const chunk of chunks(records)) {
      const body = { allOrNone: false, records: chunk.map((r) => toWire(type, r, method === "PATCH")) };
      const raw = await transport.requestJson<unknown>(method, PATH, { body, idempotent: method === "PATCH" });
      results.push(...normalizeResults(raw, chunk.length));
    }
    return results;
  }

  return {
    createRecords: (object: string, records: Record<string, unknown>[]) => save("POST", object, records),
    /** Each record carries its `Id` (or `id`). */
    updateRecords: (object: string, records: Record<string, unknown>[]) => save("PATCH", object, records),
    async deleteRecords(ids: string[]): Promise<SaveResult[]> {
      const results: SaveResult[] = [];
      for (const chunk of chunks(ids)) {
        const query = new URLSearchParams({ ids: chunk.join(","), allOrNone: "false" });
        const raw = await transport.requestJson<unknown>("DELETE", `${PATH}?${query}`);
        results.push(...normalizeResults(raw, chunk.length));
      }
      return results;
    },
  };
}
