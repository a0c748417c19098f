import type {
  Counts,
  Direction,
  LoginEnvironment,
  ObjectType,
  RecordAction,
  RecordStatus,
  RunKind,
  RunStatus,
} from "../api/types";

// The user's help wording, as in worker/sync/reasons.ts; keep it exact. Each map is keyed by one of
// the API's lists (the worker's zod enums), so a value added or renamed there fails the type check
// here until it has its words.

/** The map's entries in declaration order, typed by its keys. */
export const entries = <K extends string, V>(map: Record<K, V>) => Object.entries(map) as [K, V][];

/** Whether `v` is one of the map's keys: how the page checks a value from the URL or the API. */
export const isKeyOf = <K extends string>(map: Record<K, unknown>, v: unknown): v is K =>
  typeof v === "string" && Object.hasOwn(map, v);

export const RUN_STATUS: Record<RunStatus, string> = {
  in_progress: "In progress",
  completed: "Completed",
  failed: "Failed",
};

export const RECORD_STATUS: Record<RecordStatus, string> = {
  success: "Success",
  skipped: "Skipped",
  failed: "Failed",
};

export const DIRECTION: Record<Direction, string> = {
  inbound: "Inbound (Salesforce → Conversion)",
  outbound: "Outbound (Conversion → Salesforce)",
};

export const OBJECT_LABEL: Record<ObjectType, string> = {
  contact: "Contacts",
  company: "Companies",
  opportunity: "Opportunities",
  opportunity_contact_role: "Opportunity contact roles",
  event: "Events",
};
export const OBJECT_TYPES = entries(OBJECT_LABEL);

const COUNT_LABEL: Record<keyof Counts, string> = {
  created: "Created",
  updated: "Updated",
  deleted: "Deleted",
  skipped: "Skipped",
  failed: "Failed",
};
export const COUNT_LABELS = entries(COUNT_LABEL);

export const ACTION: Record<RecordAction, string> = {
  created: "Created",
  updated: "Updated",
  deleted: "Deleted",
};

export const KIND: Record<RunKind, string> = {
  backfill: "First sync (backfill)",
  incremental: "Scheduled sync",
  push: "Push",
  retry: "Retry of failed records",
  reconcile: "Check against Salesforce",
};

/** Where an org signs in (Connect's choices, the connection's "Signs in at"). */
export const LOGIN_ENVIRONMENT: Record<LoginEnvironment, string> = {
  production: "Production",
  sandbox: "Sandbox",
  custom: "My Domain",
};

/** "What it means" for a whole-run failure, in the user's help wording; the API sends message and action. */
export const FAILURE_MEANING: Record<string, string> = {
  authentication_failure: "Conversion couldn’t authenticate with Salesforce.",
  insufficient_permissions: "The integration user lacks permission to read this record type.",
  api_limit_exceeded: "Salesforce’s daily API limit has been reached.",
  unknown_error: "An unexpected error occurred while processing the sync.",
};

/** Salesforce objects in words (plural, or `one` beside a single record); the event object (named in settings) is "Events". */
const SALESFORCE_OBJECT_LABEL: Record<string, [string, string]> = {
  Account: ["Accounts", "Account"],
  Lead: ["Leads", "Lead"],
  Contact: ["Contacts", "Contact"],
  Opportunity: ["Opportunities", "Opportunity"],
  OpportunityContactRole: ["Opportunity contact roles", "Opportunity contact role"],
};
export const salesforceObjectLabel = (name: string, one = false) =>
  SALESFORCE_OBJECT_LABEL[name]?.[one ? 1 : 0] ?? (one ? "Event" : "Events");

/** The objects inbound sync reads, in the order of a cycle; the event object comes last. */
export const syncObjects = (eventObject: string) => [...Object.keys(SALESFORCE_OBJECT_LABEL), eventObject];
