import { DIRECTION, isKeyOf } from "../format/labels";
import type { ApiUsage, Direction, InboundCheck, Run, TopReasonStatus } from "./types";

// GET /api/v1/sync/health (worker/api/health: the SyncHealth schema). The page reads it through this
// one function so a missing or renamed field degrades to "—" instead of breaking the Overview.

export interface TopReason {
  code: string;
  message: string;
  explanation: string | null;
  action: string | null;
  count: number;
  direction: Direction | null;
  status: TopReasonStatus | null;
}

export interface Budget {
  /** The integration's own daily Salesforce API budget (settings.apiDailyBudget); null = none set. */
  limit: number | null;
  /** Calls this integration made today (UTC day). */
  used: number | null;
  paused: boolean;
  /** Why syncing paused, in the server's words: the budget is spent, or the org nears its own limit. */
  reason: string | null;
}

/** Something to know while syncing goes on: a hidden field (field_not_readable) or a pause (sync_paused). */
export interface HealthWarning {
  code: string;
  message: string;
  object: string | null;
  field: string | null;
}

export interface Health {
  lastInbound: Run | null;
  lastOutbound: Run | null;
  failedRuns24h: number | null;
  failedRecords24h: number | null;
  skippedRecords24h: number | null;
  topReasons: TopReason[];
  apiUsage: ApiUsage | null;
  budget: Budget;
  warnings: HealthWarning[];
  inboundChecks: InboundCheck[];
}

type Obj = Record<string, any>;
const obj = (v: unknown): Obj | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" && v ? v : null);

function reason(r: Obj): TopReason {
  return {
    code: String(r.code ?? ""),
    message: String(r.message ?? r.code ?? ""),
    explanation: str(r.explanation),
    action: str(r.action),
    count: num(r.count) ?? 0,
    direction: isKeyOf(DIRECTION, r.direction) ? r.direction : null,
    status: r.status === "skipped" || r.status === "failed" ? r.status : null,
  };
}

export function parseHealth(raw: unknown): Health {
  const h = obj(raw) ?? {};
  const last = obj(h.lastRuns) ?? {};
  const day = obj(h.last24h) ?? {};
  const usage = obj(h.apiUsage);
  const budget = obj(h.apiBudget) ?? {};
  return {
    lastInbound: obj(last.inbound) as Run | null,
    lastOutbound: obj(last.outbound) as Run | null,
    failedRuns24h: num(day.failedRuns),
    failedRecords24h: num(day.failedRecords),
    skippedRecords24h: num(day.skippedRecords),
    topReasons: (Array.isArray(h.topReasons) ? h.topReasons : []).filter(obj).map(reason),
    apiUsage: usage && num(usage.used) !== null && num(usage.limit) !== null ? (usage as ApiUsage) : null,
    warnings: (Array.isArray(h.warnings) ? h.warnings : []).filter(obj).map((w: Obj) => ({
      code: String(w.code ?? ""),
      message: String(w.message ?? w.code ?? ""),
      object: str(w.object),
      field: str(w.field),
    })),
    budget: {
      limit: num(budget.limit),
      used: num(budget.used),
      paused: h.paused === true,
      reason: str(h.pausedReason),
    },
    inboundChecks: (Array.isArray(h.inboundChecks) ? h.inboundChecks : [])
      .filter(obj)
      .filter((c: Obj) => typeof c.salesforceObject === "string")
      .map((c: Obj) => ({
        salesforceObject: c.salesforceObject,
        lastCheckedAt: str(c.lastCheckedAt),
        nextCheckAt: str(c.nextCheckAt),
        checking: c.checking === true,
      })),
  };
}
