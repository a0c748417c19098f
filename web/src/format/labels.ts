import type { Direction, ObjectType, RecordStatus, RunStatus } from "../api/types";

// Wording from the help article; keep it exact.

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

export const OBJECT_TYPES: [ObjectType, string][] = [
  ["contact", "Contacts"],
  ["company", "Companies"],
  ["opportunity", "Opportunities"],
  ["opportunity_contact_role", "Opportunity contact roles"],
  ["event", "Events"],
];

export const COUNT_LABELS = [
  ["created", "Created"],
  ["updated", "Updated"],
  ["deleted", "Deleted"],
  ["skipped", "Skipped"],
  ["failed", "Failed"],
] as const;

export const ACTION: Record<string, string> = {
  created: "Created",
  updated: "Updated",
  deleted: "Deleted",
};

export const KIND: Record<string, string> = {
  backfill: "First sync (backfill)",
  incremental: "Scheduled sync",
  push: "Push",
  retry: "Retry of failed records",
  reconcile: "Check against Salesforce",
};

export const OBJECT_LABEL: Record<string, string> = Object.fromEntries(OBJECT_TYPES);

/** "What it means" for a whole-run failure, from the article; the API sends message and action. */
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
