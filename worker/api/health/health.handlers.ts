import type { RouteHandler } from "@hono/zod-openapi";
import { shardDb } from "../../db";
import type { connections, RecordStatus, RunDirection } from "../../db/schema";
import type { AppEnv } from "../../env";
import { budgetStatus } from "../../salesforce";
import { loadSettings } from "../../settings";
import { recordReason } from "../../sync/reasons";
import { listRunsQuery } from "../runs/runs.queries";
import { toApiRun } from "../runs/view";
import { inboundChecks } from "./checks";
import { connectionQuery, describeCacheQuery, last24hQuery, syncStateQuery, topReasonsQuery } from "./health.queries";
import type { getSyncHealth } from "./health.routes";
import { healthWarnings } from "./warnings";

const DAY_MS = 86_400_000;

export const getSyncHealthHandler: RouteHandler<typeof getSyncHealth, AppEnv> = async (c) => {
  const db = shardDb(c.var.shardEnv);
  const workspaceId = c.get("workspaceId");
  const since = new Date(Date.now() - DAY_MS).toISOString();
  // One round trip; D1 runs a batch as one read transaction, so the numbers agree with each other.
  const [inbound, outbound, totals, reasons, connection, states, describes] = await db.batch([
    listRunsQuery(db, workspaceId, { direction: "inbound" }, null, 1),
    listRunsQuery(db, workspaceId, { direction: "outbound" }, null, 1),
    last24hQuery(db, workspaceId, since),
    topReasonsQuery(db, workspaceId, since),
    connectionQuery(db, workspaceId),
    syncStateQuery(db, workspaceId),
    describeCacheQuery(db, workspaceId),
  ]);
  const settings = await loadSettings(db, workspaceId);
  // The same check the planner makes before each cycle, so the card says "paused" exactly when syncing is.
  const budget = await budgetStatus(c.var.shardEnv, workspaceId, settings.apiDailyBudget);
  return c.json(
    {
      lastRuns: {
        inbound: inbound[0] ? toApiRun(inbound[0]) : null,
        outbound: outbound[0] ? toApiRun(outbound[0]) : null,
      },
      last24h: {
        failedRuns: Number(totals[0]?.failedRuns ?? 0),
        failedRecords: Number(totals[0]?.failedRecords ?? 0),
        skippedRecords: Number(totals[0]?.skippedRecords ?? 0),
      },
      topReasons: reasons.map(toTopReason),
      ...connectionView(connection[0]),
      apiBudget: { used: budget.usedToday, limit: budget.budget },
      paused: budget.paused,
      pausedReason: budget.reason,
      inboundChecks: inboundChecks(states, settings, connection[0], Date.now()),
      warnings: healthWarnings({
        settings,
        describes,
        orgId: connection[0]?.orgId ?? null,
        paused: budget.paused ? { reason: budget.reason } : null,
      }),
    },
    200,
  );
};

function toTopReason(g: { direction: RunDirection; status: RecordStatus; code: string | null; count: number }) {
  const status = g.status === "failed" ? "failed" : "skipped";
  // The query only returns rows with a code, so recordReason always answers.
  const reason = recordReason(g.direction, status, g.code)!;
  return {
    code: reason.code,
    message: reason.message,
    explanation: reason.explanation,
    direction: g.direction,
    status,
    count: Number(g.count),
    ...(reason.action ? { action: reason.action } : {}),
  } as const;
}

function connectionView(row: typeof connections.$inferSelect | undefined) {
  if (!row) {
    return {
      connection: { status: "not_connected" as const, instanceUrl: null, orgId: null, username: null },
      apiUsage: null,
    };
  }
  const apiUsage =
    row.apiUsed != null && row.apiLimit != null
      ? { used: row.apiUsed, limit: row.apiLimit, asOf: row.apiAsOf ?? null }
      : null;
  return {
    connection: {
      status: row.status,
      instanceUrl: row.instanceUrl,
      orgId: row.orgId ?? null,
      username: row.username ?? null,
    },
    apiUsage,
  };
}
