import { type ShardEnv, shardDb } from "../db";
import {
  type DescribedField,
  describeCached,
  openSalesforce,
  type SalesforceClient,
  SalesforceError,
} from "../salesforce";
import { loadConnectionRow } from "../salesforce/store";
import { cycleOrder } from "../sync/objects";
import { CONVERSION_FIELDS } from "./fields";
import { loadSettings } from "./store";

export interface CatalogProblem {
  code: string;
  message: string;
}

export interface CatalogObject {
  label: string | null;
  fields: DescribedField[];
  describedAt: string | null;
  error: CatalogProblem | null;
}

/** What the Settings screen chooses from: Conversion's fields, and the org's per object (describe). */
export interface SettingsCatalog {
  conversion: { contact: { name: string; label: string }[]; company: { name: string; label: string }[] };
  salesforce: { available: boolean; reason: CatalogProblem | null; objects: Record<string, CatalogObject> };
}

const NOT_CONNECTED: CatalogProblem = {
  code: "not_connected",
  message: "Salesforce is not connected. Connect it to choose from your org’s fields.",
};
const NEEDS_RECONNECT: CatalogProblem = {
  code: "needs_reconnect",
  message: "Conversion can no longer sign in to your Salesforce org. Reconnect it to choose from your org’s fields.",
};

/**
 * The field lists for the Settings screen. Org fields come from describe (cached per workspace ×
 * object, see worker/salesforce/describe.ts) for the objects the sync reads; without a working
 * connection they are empty and `reason` says why. One object Salesforce refuses (e.g. the event
 * object missing from the org) does not hide the others: its `error` says what happened.
 */
export async function buildSettingsCatalog(
  env: ShardEnv,
  workspaceId: string,
  opts: { refresh?: boolean } = {},
): Promise<SettingsCatalog> {
  const db = shardDb(env);
  const [row, settings] = await Promise.all([loadConnectionRow(db, workspaceId), loadSettings(db, workspaceId)]);
  const conversion = {
    contact: CONVERSION_FIELDS.contact.map((f) => ({ ...f })),
    company: CONVERSION_FIELDS.company.map((f) => ({ ...f })),
  };
  const unavailable = (reason: CatalogProblem): SettingsCatalog => ({
    conversion,
    salesforce: { available: false, reason, objects: {} },
  });
  if (!row) return unavailable(NOT_CONNECTED);
  if (row.status !== "connected") return unavailable(NEEDS_RECONNECT);

  let opening: Promise<SalesforceClient> | null = null;
  const open = () => {
    opening ??= openSalesforce(env, workspaceId);
    return opening;
  };
  const names = cycleOrder(settings.eventObject);
  try {
    const results = await Promise.allSettled(
      names.map((name) => describeCached(db, workspaceId, name, open, { orgId: row.orgId, refresh: opts.refresh })),
    );
    const objects: Record<string, CatalogObject> = {};
    results.forEach((r, i) => {
      if (r.status === "fulfilled") {
        objects[names[i]!] = {
          label: r.value.label,
          fields: r.value.fields,
          describedAt: r.value.fetchedAt,
          error: null,
        };
        return;
      }
      if (!(r.reason instanceof SalesforceError)) throw r.reason;
      objects[names[i]!] = {
        label: null,
        fields: [],
        describedAt: null,
        error: { code: r.reason.failureCode, message: r.reason.message },
      };
    });
    const all = Object.values(objects);
    if (all.every((o) => o.error?.code === "authentication_failure")) return unavailable(NEEDS_RECONNECT);
    return { conversion, salesforce: { available: true, reason: null, objects } };
  } finally {
    if (opening)
      await (await (opening as Promise<SalesforceClient>).catch(() => null))?.flushUsage().catch(() => undefined);
  }
}
