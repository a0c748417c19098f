import { type ShardEnv, shardDb } from "../db";
import { createBulkQueries } from "./bulk";
import { createCollectionsWriter } from "./collections";
import { createCompositeWriter } from "./composite";
import { authenticationFailure, SalesforceError } from "./errors";
import { type QueryOptions, queryPages } from "./query";
import { loadConnectionRow, sessionFromRow } from "./store";
import { createTransport, type Transport } from "./transport";
import { assertSObjectName } from "./urls";
import { SALESFORCE_API_VERSION } from "./version";

/** What describe returns; only the parts the sync reads are typed. */
export type SObjectDescribe = {
  name: string;
  label?: string;
  fields: {
    name: string;
    label?: string;
    type: string;
    createable?: boolean;
    updateable?: boolean;
    nillable?: boolean;
    length?: number;
    externalId?: boolean;
    picklistValues?: { value: string; active?: boolean }[];
  }[];
} & Record<string, unknown>;

type LimitsResponse = { DailyApiRequests?: { Max?: unknown; Remaining?: unknown } };

function toNumber(value: unknown): number | null {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

function createClient(transport: Transport, orgId: string | null = null) {
  const writer = createCollectionsWriter(transport);
  const base = `/services/data/${SALESFORCE_API_VERSION}`;
  return {
    get instanceUrl() {
      return transport.instanceUrl;
    },
    /** The connected org's id (describe cache key); null for connections made before it was stored. */
    orgId,
    /** Salesforce REST calls this client has made (retries included; token refreshes are not API calls). */
    get calls() {
      return transport.calls;
    },
    queryPages: (soql: string, opts?: QueryOptions) => queryPages(transport, soql, opts),
    ...writer,
    ...createCompositeWriter(transport),
    ...createBulkQueries(transport),
    /** The org's rolling 24-hour API usage from `/limits` (numbers may come as strings). */
    async limits(): Promise<{ used: number; limit: number }> {
      const body = await transport.requestJson<LimitsResponse>("GET", `${base}/limits`);
      const max = toNumber(body?.DailyApiRequests?.Max);
      const remaining = toNumber(body?.DailyApiRequests?.Remaining);
      if (max === null || remaining === null) {
        throw new SalesforceError({
          failureCode: "unknown_error",
          message: "Salesforce's /limits answer has no DailyApiRequests",
        });
      }
      const usage = { used: Math.max(0, max - remaining), limit: max };
      transport.noteUsage(usage);
      return usage;
    },
    /** The object's fields. An object the integration user cannot see answers 404: a permissions problem. */
    async describe(object: string): Promise<SObjectDescribe> {
      try {
        return await transport.requestJson<SObjectDescribe>(
          "GET",
          `${base}/sobjects/${assertSObjectName(object)}/describe`,
        );
      } catch (err) {
        if (!(err instanceof SalesforceError) || err.status !== 404) throw err;
        throw new SalesforceError({
          failureCode: "insufficient_permissions",
          status: 404,
          sfErrorCode: err.sfErrorCode,
          message: `${object} is not visible to the integration user: ${err.message}`,
        });
      }
    },
    /**
     * getDeleted: when the org's delete log begins for the object (`earliestDateAvailable`). Deletes
     * before it can no longer be learned from Salesforce, only by comparing ids.
     */
    async deletedSince(object: string, start: string, end: string): Promise<{ earliestDateAvailable: string | null }> {
      const q = new URLSearchParams({ start, end });
      const body = await transport.requestJson<{ earliestDateAvailable?: unknown }>(
        "GET",
        `${base}/sobjects/${assertSObjectName(object)}/deleted/?${q}`,
      );
      return {
        earliestDateAvailable: typeof body?.earliestDateAvailable === "string" ? body.earliestDateAvailable : null,
      };
    },
    /** Adds this client's unflushed calls to today's count and stores the org's last seen usage. */
    flushUsage: () => transport.flushUsage(),
  };
}

/** A client bound to one workspace's org. */
export type SalesforceClient = ReturnType<typeof createClient>;

/**
 * Opens the workspace's org. Throws SalesforceError(authentication_failure) when there is no
 * connection or it needs a reconnect, so a run fails with the catalogue's "Reconnect Salesforce"
 * (worker/sync/reasons.ts).
 */
export async function openSalesforce(env: ShardEnv, workspaceId: string): Promise<SalesforceClient> {
  const db = shardDb(env);
  const row = await loadConnectionRow(db, workspaceId);
  if (!row) throw authenticationFailure("Salesforce is not connected", 0);
  if (row.status !== "connected") throw authenticationFailure("The Salesforce connection needs to be reconnected", 0);
  return createClient(createTransport(env, db, await sessionFromRow(env, row)), row.orgId ?? null);
}
