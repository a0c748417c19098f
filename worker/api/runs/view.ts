import type { ObjectType } from "../../sync/objects";
import { recordReason, runFailure } from "../../sync/reasons";
import type { StoredRecord } from "../../sync/runs/records";
import type { RunDirection, RunRow } from "../../sync/runs/store";

// Rows → the OpenAPI document's `Run` and `RunRecord` (runs.schemas.ts). The API, the CSV export and the
// page all read runs through here, so a run is described and a reason worded the same way everywhere.

const INBOUND_NOUNS: Record<string, string> = {
  contact: "contacts",
  company: "companies",
  opportunity: "opportunities",
  opportunity_contact_role: "opportunity contact roles",
  event: "events",
};

const OUTBOUND_NOUNS: Record<string, string> = { contact: "contact", company: "company" };

/** The plain-language line Sync activity shows for a run, e.g. "Synced contacts from Salesforce". */
export function describeRun(
  run: Pick<RunRow, "direction" | "objectType" | "salesforceObject" | "kind"> & { note?: string | null },
): string {
  if (run.kind === "reconcile")
    return `Checked ${INBOUND_NOUNS[run.objectType] ?? `${run.salesforceObject} records`} against Salesforce`;
  const base = run.direction === "inbound" ? describeInbound(run) : describeOutbound(run);
  if (run.kind === "backfill" && run.note === "org_changed")
    return `${base} (initial backfill: a different Salesforce org was connected)`;
  if (run.kind === "backfill") return `${base} (initial backfill)`;
  if (run.kind === "incremental" && run.note === "salesforce_push") return `${base} (Salesforce reported a change)`;
  if (run.kind === "retry") return `Retried failed records: ${base.charAt(0).toLowerCase()}${base.slice(1)}`;
  return base;
}

function describeInbound(run: Pick<RunRow, "objectType" | "salesforceObject">): string {
  // An object type this version does not know still gets a sentence, named by its Salesforce object.
  const noun = INBOUND_NOUNS[run.objectType] ?? `${run.salesforceObject} records`;
  return `Synced ${noun} from Salesforce`;
}

function describeOutbound(run: Pick<RunRow, "objectType" | "salesforceObject">): string {
  const noun = OUTBOUND_NOUNS[run.objectType] ?? run.salesforceObject;
  return `Pushed ${noun} updates to Salesforce`;
}

/** The OpenAPI document's `Run`; `failure` also carries the catalogue's explanation and our own detail. */
export function toApiRun(row: RunRow) {
  return {
    id: row.id,
    direction: row.direction,
    // Runs are written with an ObjectType (sync/runs/write.ts); the column is plain text.
    objectType: row.objectType as ObjectType,
    salesforceObject: row.salesforceObject,
    kind: row.kind,
    description: describeRun(row),
    status: row.status,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt ?? null,
    durationMs: row.durationMs ?? null,
    counts: {
      created: row.created,
      updated: row.updated,
      deleted: row.deleted,
      skipped: row.skipped,
      failed: row.failed,
    },
    failure: runFailure(row.failureCode, row.failureDetail),
    progress: row.status === "in_progress" ? runProgress(row, Date.now()) : null,
  };
}

/**
 * How far an in-progress batch is: records read of the total Salesforce reported for its window (the
 * inbound batch keeps both in the run's state), and the time left at the rate so far. Null for runs
 * whose state has no total (outbound pushes, retries, a batch before its first page).
 */
export function runProgress(row: Pick<RunRow, "state" | "startedAt">, now: number) {
  const state = safeJson(row.state) as { fetched?: unknown; total?: unknown } | null;
  const total = state?.total;
  const fetched = state?.fetched;
  if (typeof total !== "number" || typeof fetched !== "number" || !(total > 0)) return null;
  const done = Math.min(fetched, total);
  const elapsedMs = now - Date.parse(row.startedAt);
  const etaSeconds =
    done >= total ? 0 : done > 0 && elapsedMs > 0 ? Math.ceil(((total - done) * elapsedMs) / done / 1000) : null;
  return { done, total, etaSeconds };
}

export type ApiRun = ReturnType<typeof toApiRun>;

/**
 * The OpenAPI document's `RunRecord`. The direction picks the catalogue, because `unknown_error` reads
 * differently per side.
 */
export function toApiRecord(r: StoredRecord, direction: RunDirection) {
  const reason = recordReason(direction, r.status, r.reasonCode);
  return {
    id: r.id,
    runId: r.runId,
    salesforceId: r.salesforceId,
    salesforceObject: r.salesforceObject,
    conversionId: r.conversionId,
    label: r.label,
    action: r.action,
    status: r.status,
    reason: reason
      ? {
          code: reason.code,
          message: reason.message,
          explanation: reason.explanation,
          detail: r.reasonDetail,
        }
      : null,
    salesforceError: r.sfError,
    externalCreatedAt: r.externalCreatedAt,
    externalUpdatedAt: r.externalUpdatedAt,
    changes: r.changes,
  };
}

export type ApiRecord = ReturnType<typeof toApiRecord>;

function safeJson(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
