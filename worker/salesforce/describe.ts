import { and, eq } from "drizzle-orm";
import type { Db } from "../db";
import { describeCache } from "../db/schema";
import { isoNow } from "../lib/time";
import type { SalesforceClient, SObjectDescribe } from "./client";

/** A field as describe gives it, trimmed to what the sync and the Settings screen read. */
export interface DescribedField {
  name: string;
  label: string;
  type: string;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  /** An External ID field: records can be upserted on it. */
  externalId?: boolean;
  /** Active picklist values (picklist and multipicklist fields only). */
  picklistValues?: string[];
}

export interface DescribedObject {
  name: string;
  label: string | null;
  /** Only the fields the integration user can see: field-level security leaves the others out of describe. */
  fields: DescribedField[];
  /** When Salesforce answered (the cache's age). */
  fetchedAt: string;
}

/**
 * How long a describe is reused. Fields change rarely (an admin adds one, or changes field-level
 * security); an hour keeps a cycle per object to at most one describe call an hour.
 */
export const DESCRIBE_MAX_AGE_MS = 60 * 60 * 1000;

export interface DescribeOptions {
  /** The connected org's id: a row cached for another org is a miss. */
  orgId: string | null;
  maxAgeMs?: number;
  /** Skip the cache (the Settings screen's "reload fields"). */
  refresh?: boolean;
}

function trim(d: SObjectDescribe): Omit<DescribedObject, "fetchedAt"> {
  const fields = (Array.isArray(d.fields) ? d.fields : []).map((f) => {
    const out: DescribedField = {
      name: String(f.name),
      label: typeof f.label === "string" && f.label ? f.label : String(f.name),
      type: String(f.type ?? "string"),
      createable: f.createable === true,
      updateable: f.updateable === true,
      nillable: f.nillable === true,
    };
    if (f.externalId === true) out.externalId = true;
    if (Array.isArray(f.picklistValues) && f.picklistValues.length) {
      out.picklistValues = f.picklistValues
        .filter((p) => p && p.active !== false && typeof p.value === "string")
        .map((p) => p.value);
    }
    return out;
  });
  return { name: d.name, label: typeof d.label === "string" ? d.label : null, fields };
}

/**
 * One object's describe: from D1 while younger than `maxAgeMs` and from the same org, else from
 * Salesforce (then stored). Salesforce's errors are thrown as they come (SalesforceError), and are
 * not cached: the next call asks again. `client` may be a function, so a caller whose describes
 * are all cached never opens a connection.
 */
export async function describeCached(
  db: Db,
  workspaceId: string,
  object: string,
  client: SalesforceClient | (() => Promise<SalesforceClient>),
  opts: DescribeOptions,
): Promise<DescribedObject> {
  const maxAge = opts.maxAgeMs ?? DESCRIBE_MAX_AGE_MS;
  if (!opts.refresh) {
    const row = await db
      .select()
      .from(describeCache)
      .where(and(eq(describeCache.workspaceId, workspaceId), eq(describeCache.salesforceObject, object)))
      .get();
    const fresh = row && row.orgId === opts.orgId && Date.now() - Date.parse(row.fetchedAt) < maxAge;
    if (fresh) {
      try {
        return { ...(JSON.parse(row.json) as Omit<DescribedObject, "fetchedAt">), fetchedAt: row.fetchedAt };
      } catch {
        // An unreadable row is a miss; the describe below overwrites it.
      }
    }
  }
  const sf = typeof client === "function" ? await client() : client;
  const described = trim(await sf.describe(object));
  const fetchedAt = isoNow();
  const json = JSON.stringify(described);
  await db
    .insert(describeCache)
    .values({ workspaceId, salesforceObject: object, orgId: opts.orgId, json, fetchedAt })
    .onConflictDoUpdate({
      target: [describeCache.workspaceId, describeCache.salesforceObject],
      set: { orgId: opts.orgId, json, fetchedAt },
    });
  return { ...described, fetchedAt };
}
