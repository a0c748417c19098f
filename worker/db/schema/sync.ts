import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

import { RECORD_ACTIONS, RECORD_STATUSES, RUN_DIRECTIONS, RUN_KINDS, RUN_STATUSES } from "./enums";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

/**
 * Per workspace × Salesforce object: the watermark of the last applied record (SystemModstamp, Id),
 * whether the one-time backfill is done, and the lease that keeps one chain of batches at a time.
 */
export const syncState = sqliteTable(
  "sync_state",
  {
    workspaceId: text("workspace_id").notNull(),
    salesforceObject: text("salesforce_object").notNull(),
    watermarkStamp: text("watermark_stamp"),
    watermarkId: text("watermark_id"),
    /** When the watermark's page was read: a stamp that recent may still gain same-second records. */
    watermarkReadAt: text("watermark_read_at"),
    backfillDone: integer("backfill_done", { mode: "boolean" }).notNull().default(false),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: text("lease_expires_at"),
    lastPlannedAt: text("last_planned_at"),
    pausedReason: text("paused_reason"),
    /** When a chain last finished reading this object from Salesforce: the Overview's "Last checked". */
    lastCheckedAt: text("last_checked_at"),
    /** When a reconciliation run last compared this object's ids with Salesforce's (or its backfill finished). */
    reconciledAt: text("reconciled_at"),
    /** When getDeleted was last asked whether Salesforce still knows every delete since the watermark. */
    deletesCheckedAt: text("deletes_checked_at"),
    /** Why the object syncs again from the start ("org_changed"): its next backfill says so. Cleared when it finishes. */
    resetReason: text("reset_reason"),
    /** A push from Salesforce is waiting for its cycle (debounce): later pushes until then join it. */
    pushDueAt: text("push_due_at"),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.salesforceObject] })],
);

/** One run = one batch = one entry in Sync activity. Counts are recomputed from its records (run_pages). */
export const runs = sqliteTable(
  "runs",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
    direction: text("direction", { enum: RUN_DIRECTIONS }).notNull(),
    objectType: text("object_type").notNull(),
    salesforceObject: text("salesforce_object").notNull(),
    kind: text("kind", { enum: RUN_KINDS }).notNull(),
    status: text("status", { enum: RUN_STATUSES }).notNull(),
    startedAt: text("started_at").notNull(),
    finishedAt: text("finished_at"),
    durationMs: integer("duration_ms"),
    created: integer("created").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    deleted: integer("deleted").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    failureCode: text("failure_code"),
    failureDetail: text("failure_detail"),
    heartbeatAt: text("heartbeat_at").notNull(),
    /** The batch descriptor (window, cursor, progress) so a redelivered message resumes its own run. */
    state: text("state").notNull().default("{}"),
    retryOf: text("retry_of"),
    /** Why the run happened beyond its kind (e.g. "org_changed" on a backfill): part of its description. */
    note: text("note"),
    /**
     * The run's skipped and failed records counted by reason, `[[status, reasonCode, count], …]`, written
     * with the counts when the run closes (recountRun) so health sums runs instead of reading records.
     * NULL while the run is in progress (and for runs closed before migration 0003): health counts those live.
     */
    reasonCounts: text("reason_counts"),
  },
  (t) => [
    index("runs_ws_started").on(t.workspaceId, t.startedAt, t.id),
    index("runs_ws_dir_started").on(t.workspaceId, t.direction, t.startedAt, t.id),
    index("runs_ws_obj_started").on(t.workspaceId, t.objectType, t.startedAt, t.id),
    index("runs_ws_status_started").on(t.workspaceId, t.status, t.startedAt, t.id),
    index("runs_status_heartbeat").on(t.status, t.heartbeatAt),
    // Sync activity's "with failures" / "with skipped records" filters (GET /sync/runs?has=): few runs
    // qualify, so each is a small partial index; queries repeat the condition (RUNS_WITH) to use it.
    index("runs_ws_failures_started")
      .on(t.workspaceId, t.startedAt, t.id)
      .where(sql`${t.failed} > 0 OR ${t.status} = 'failed'`),
    index("runs_ws_skips_started").on(t.workspaceId, t.startedAt, t.id).where(sql`${t.skipped} > 0`),
    // Retention walks runs by age across workspaces.
    index("runs_started").on(t.startedAt),
    // A run is retried once: two retry requests racing past the API's check cannot both open a run.
    // A retry that failed as a whole leaves the index, so the run may be retried again after it.
    uniqueIndex("runs_retry_once").on(t.retryOf).where(sql`${t.retryOf} IS NOT NULL AND ${t.status} != 'failed'`),
  ],
);

/**
 * A run's records, a page of them (up to PAGE_RECORDS, in seq order) per row: every record of every run
 * lives here, as a compact JSON array (worker/sync/runs/pages.ts), with the page's counts beside it.
 * One D1 row written per page instead of a row and five index entries per record. WITHOUT ROWID (in the
 * migration; drizzle cannot say it): the primary key is the table, so a page costs exactly one row.
 */
export const runPages = sqliteTable(
  "run_pages",
  {
    workspaceId: text("workspace_id").notNull(),
    runId: text("run_id").notNull(),
    /** The seq of the page's first record: the page's key, so a redelivered page replaces itself. */
    firstSeq: integer("first_seq").notNull(),
    lastSeq: integer("last_seq").notNull(),
    /** When the page was written: its records' time in record history. */
    createdAt: text("created_at").notNull(),
    // The page's counts, before the records so that summing them never reads the records' overflow pages.
    created: integer("created").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    deleted: integer("deleted").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    records: text("records").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.runId, t.firstSeq] })],
);

/**
 * Records kept one row each, beside their page: skipped and failed ones (the status tabs, retries and
 * reasons seek them), and successes whose record history cannot live on a Conversion record (a delete,
 * a record moved to another Salesforce id, an email the contact no longer has). Upserted by (run, key)
 * so redelivery never double counts. Rows with `paged` = 0 were written by a Worker before migration
 * 0013 and are in no page: readers add them to the pages (run_records_run_legacy_seq finds them).
 */
export const runRecords = sqliteTable(
  "run_records",
  {
    // `${runId}:${recordKey}`. Not a primary key: its index was one more D1 row written per record,
    // repeating the unique (run_id, record_key) that already identifies the record.
    id: text("id").notNull(),
    workspaceId: text("workspace_id").notNull(),
    runId: text("run_id").notNull(),
    recordKey: text("record_key").notNull(),
    seq: integer("seq").notNull(),
    salesforceId: text("salesforce_id"),
    salesforceObject: text("salesforce_object").notNull(),
    conversionId: text("conversion_id"),
    label: text("label").notNull().default(""),
    email: text("email"),
    action: text("action", { enum: RECORD_ACTIONS }),
    status: text("status", { enum: RECORD_STATUSES }).notNull(),
    reasonCode: text("reason_code"),
    /** Our own words on this particular record, beside the catalogue's message (e.g. which record won). */
    reasonDetail: text("reason_detail"),
    sfStatusCode: text("sf_status_code"),
    sfMessage: text("sf_message"),
    sfFields: text("sf_fields"),
    externalCreatedAt: text("external_created_at"),
    externalUpdatedAt: text("external_updated_at"),
    changes: text("changes").notNull().default("[]"),
    /** Outbound: the outbox row this record came from, so a retry can find the change again. */
    outboxId: text("outbox_id"),
    createdAt: text("created_at").notNull().default(now),
    /** 1 when the record is also in its run's pages (this row only serves lookups); 0 for rows before 0013. */
    paged: integer("paged").notNull().default(0),
    /** Record history the row carries from the Conversion record it left (see worker/sync/runs/history.ts). */
    history: text("history"),
  },
  (t) => [
    uniqueIndex("run_records_run_key").on(t.runId, t.recordKey),
    // Rows written before 0013 by a previous Worker (in no page): the records list adds them in seq order.
    index("run_records_run_legacy_seq").on(t.runId, t.seq).where(sql`${t.paged} = 0`),
    // Skipped and failed records only (see UNSUCCESSFUL in worker/sync/runs/records.ts): the status
    // tabs, retries and reason counts seek them; successes page through run_records_run_seq.
    index("run_records_run_status_seq").on(t.runId, t.status, t.seq).where(sql`${t.status} != 'success'`),
    index("run_records_ws_sfid").on(t.workspaceId, t.salesforceId, t.createdAt),
    index("run_records_ws_email").on(t.workspaceId, t.email, t.createdAt),
  ],
);

/** Conversion-side changes waiting to reach Salesforce; written in the same D1 batch as the entity. */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
    entityType: text("entity_type", { enum: ["contact", "company"] }).notNull(),
    entityId: text("entity_id").notNull(),
    operation: text("operation", { enum: ["upsert", "delete"] }).notNull(),
    changedFields: text("changed_fields").notNull().default("[]"),
    createdAt: text("created_at").notNull().default(now),
    sentAt: text("sent_at"),
    processedAt: text("processed_at"),
    runId: text("run_id"),
  },
  (t) => [
    index("outbox_pending").on(t.processedAt, t.sentAt, t.createdAt),
    index("outbox_ws_entity").on(t.workspaceId, t.entityType, t.processedAt),
  ],
);

/**
 * Salesforce describe per workspace × object, trimmed to what the sync and the Settings screen read
 * (worker/salesforce/describe.ts). Keyed by the org it came from, so connecting another org misses.
 */
export const describeCache = sqliteTable(
  "describe_cache",
  {
    workspaceId: text("workspace_id").notNull(),
    salesforceObject: text("salesforce_object").notNull(),
    orgId: text("org_id"),
    /** `{label, fields: [{name, label, type, …}]}` */
    json: text("json").notNull(),
    fetchedAt: text("fetched_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.salesforceObject] })],
);
