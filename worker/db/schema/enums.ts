// The closed lists of words a run and its records use, declared once: the tables (drizzle's text enums),
// the API's zod schemas and, through their types, the page all read them from here.

/** The Conversion object types a run syncs, in the order one inbound cycle visits them. */
export const OBJECT_TYPES = ["contact", "company", "opportunity", "opportunity_contact_role", "event"] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

export const RUN_DIRECTIONS = ["inbound", "outbound"] as const;
export const RUN_KINDS = ["backfill", "incremental", "push", "retry", "reconcile"] as const;
export const RUN_STATUSES = ["in_progress", "completed", "failed"] as const;
export const RECORD_ACTIONS = ["created", "updated", "deleted"] as const;
export const RECORD_STATUSES = ["success", "skipped", "failed"] as const;

export type RunDirection = (typeof RUN_DIRECTIONS)[number];
export type RunKind = (typeof RUN_KINDS)[number];
export type RunStatus = (typeof RUN_STATUSES)[number];
export type RecordAction = (typeof RECORD_ACTIONS)[number];
export type RecordStatus = (typeof RECORD_STATUSES)[number];
