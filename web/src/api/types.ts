import type { z } from "@hono/zod-openapi";
import type {
  authorizeAnswerSchema,
  authorizeBody,
  connectionSchema,
} from "../../../worker/api/connection/connection.routes";
import type { syncHealthSchema } from "../../../worker/api/health/health.routes";
import type { retryAnswerSchema } from "../../../worker/api/retry/retry.routes";
import type {
  recordHistorySchema,
  recordListSchema,
  runDetailSchema,
  runListQuery,
  runListSchema,
} from "../../../worker/api/runs/runs.schemas";
import type { sessionSchema } from "../../../worker/api/sessions/sessions.routes";
import type { syncNowSchema } from "../../../worker/api/sync-now/sync-now.routes";
import type { syncTotalsSchema } from "../../../worker/api/totals/totals.routes";

// The JSON API's shapes, read off the worker's zod schemas (which validate and document the API), so a
// field renamed there fails the page's type check. Type-only imports: no worker code reaches the bundle.

export type RunsPage = z.output<typeof runListSchema>;
export type Run = RunsPage["runs"][number];
/** `GET /sync/runs/{id}`: a Run plus the retry it came from and the one that retried it. */
export type RunDetail = z.output<typeof runDetailSchema>;
export type RecordsPage = z.output<typeof recordListSchema>;
export type RunRecord = RecordsPage["records"][number];
/** `GET /sync/records`: each record with the run it belongs to. */
export type RecordHistoryPage = z.output<typeof recordHistorySchema>;
export type RecordHistoryEntry = RecordHistoryPage["records"][number];
export type Change = RunRecord["changes"][number];
/** `POST /sync/runs/{id}/retry`: the new retry run. */
export type RetryAnswer = z.output<typeof retryAnswerSchema>;
/** `POST /sync/inbound` (Sync now): the object types whose sync was queued. */
export type SyncNowAnswer = z.output<typeof syncNowSchema>;
export type Counts = Run["counts"];

export type Direction = Run["direction"];
export type ObjectType = Run["objectType"];
export type RunKind = Run["kind"];
export type RunStatus = Run["status"];
export type RecordStatus = RunRecord["status"];
export type RecordAction = NonNullable<RunRecord["action"]>;
/** The Sync activity filter for runs with failed or skipped records. */
export type RunsWith = NonNullable<z.input<typeof runListQuery>["has"]>;

export type Connection = z.output<typeof connectionSchema>;
export type ConnectionStatus = Connection["status"];
export type LoginEnvironment = NonNullable<Connection["environment"]>;
/** `POST /connection/authorize`: where the org signs in, and where to send the browser for OAuth. */
export type AuthorizeBody = z.input<typeof authorizeBody>;
export type AuthorizeAnswer = z.output<typeof authorizeAnswerSchema>;
export type ApiUsage = NonNullable<Connection["apiUsage"]>;
export type Session = z.output<typeof sessionSchema>;

/** `GET /sync/health` as the API sends it; api/health.ts reads it into the Overview's shape. */
export type SyncHealth = z.output<typeof syncHealthSchema>;
/** `GET /sync/health` → `inboundChecks`: when each enabled inbound object was last read and is next due. */
export type InboundCheck = Omit<SyncHealth["inboundChecks"][number], "objectType">;
export type TopReasonStatus = SyncHealth["topReasons"][number]["status"];

/** `GET /sync/totals`: the Overview's picture, per local day (`date`) and per hour, oldest first. */
export type Totals = z.output<typeof syncTotalsSchema>;
export type TotalsBucket = Totals["hours"][number];
