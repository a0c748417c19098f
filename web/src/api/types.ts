// Shapes of the JSON API (docs/api.md). Fields marked "assumed" are not in api.md yet; the page
// tolerates their absence.

export type Direction = "inbound" | "outbound";
export type ObjectType = "contact" | "company" | "opportunity" | "opportunity_contact_role" | "event";
export type RunStatus = "in_progress" | "completed" | "failed";
export type RecordStatus = "success" | "skipped" | "failed";

export interface Counts {
  created: number;
  updated: number;
  deleted: number;
  skipped: number;
  failed: number;
}

export interface Run {
  id: string;
  direction: Direction;
  objectType: ObjectType;
  salesforceObject: string;
  kind: "backfill" | "incremental" | "push" | "retry" | "reconcile";
  description: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  counts: Counts;
  failure: { code: string; message: string; action: string; explanation?: string; detail?: string | null } | null;
  /** An in-progress inbound batch: records read of Salesforce's total for its window, and the time left. */
  progress?: { done: number; total: number; etaSeconds: number | null } | null;
  /** Only on `GET /sync/runs/{id}`: the run this retry run retried. */
  retryOf?: string | null;
  /** Only on `GET /sync/runs/{id}`: the newest run that retried this one's failed records. */
  retriedBy?: { id: string; status: RunStatus } | null;
}

export interface Change {
  field: string;
  from: unknown;
  to: unknown;
}

export interface RunRecord {
  id: string;
  runId: string;
  salesforceId: string | null;
  salesforceObject: string;
  conversionId: string | null;
  label: string;
  action: "created" | "updated" | "deleted" | null;
  status: RecordStatus;
  reason: { code: string; message: string; explanation: string; detail?: string | null } | null;
  salesforceError: { statusCode: string; message: string; fields: string[] } | null;
  externalCreatedAt: string | null;
  externalUpdatedAt: string | null;
  changes: Change[];
  /** Assumed: record history may embed its run so the page needs no extra request per run. */
  run?: Pick<Run, "id" | "description" | "startedAt" | "direction" | "status">;
}

export interface ApiUsage {
  used: number;
  limit: number;
  asOf: string | null;
}

export interface Connection {
  status: "not_connected" | "connected" | "needs_reconnect";
  instanceUrl: string | null;
  orgId: string | null;
  username: string | null;
  connectedAt: string | null;
  /** Where the org signs in (production, sandbox or its My Domain) and that login host. */
  environment?: "production" | "sandbox" | "custom" | null;
  loginUrl?: string | null;
  apiUsage: ApiUsage | null;
}

export interface Session {
  workspace: { id: string; name: string };
  csrfToken: string;
}

export interface RunsPage {
  runs: Run[];
  nextCursor: string | null;
}

export interface RecordsPage {
  records: RunRecord[];
  nextCursor: string | null;
}

/** `GET /sync/health` → `inboundChecks`: when each enabled inbound object was last read and is next due. */
export interface InboundCheck {
  salesforceObject: string;
  lastCheckedAt: string | null;
  nextCheckAt: string | null;
  checking: boolean;
}

export interface TotalsBucket {
  from: string;
  to: string;
  runs: number;
  failedRuns: number;
  counts: Counts;
}

/** `GET /sync/totals`: the Overview's picture, per local day (`date`) and per hour, oldest first. */
export interface Totals {
  timeZone: string;
  days: (TotalsBucket & { date: string })[];
  hours: TotalsBucket[];
}
