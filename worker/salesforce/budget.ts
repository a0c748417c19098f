import { and, eq } from "drizzle-orm";
import { type ShardEnv, shardDb } from "../db";
import { apiCalls, connections } from "../db/schema";
import { openSalesforce, type SalesforceClient } from "./client";
import { utcDay } from "./usage";

export type BudgetStatus = {
  paused: boolean;
  /** Why: this integration's own daily budget, or the org's rolling 24-hour limit (which recovers on its own). */
  cause: "budget" | "org" | null;
  reason: string | null;
  /** When the org's usage was last read (a response header or /limits). */
  orgAsOf: string | null;
  usedToday: number;
  budget: number | null;
  orgUsed: number | null;
  orgLimit: number | null;
};

// Sforce-Limit-Info is a rolling 24-hour count: older readings say nothing about the org today.
const ORG_USAGE_FRESH_MS = 24 * 60 * 60 * 1000;

/** Calls to leave the org's other integrations: 2% of its limit, at least 50. */
export function safetyMargin(orgLimit: number): number {
  return Math.max(50, Math.ceil(orgLimit * 0.02));
}

/**
 * Whether syncing should pause now: the integration spent its own daily budget, or the org's last
 * known usage is within the safety margin of its limit, so we stop before the org runs dry.
 */
export async function budgetStatus(
  env: ShardEnv,
  workspaceId: string,
  apiDailyBudget: number | null,
): Promise<BudgetStatus> {
  const db = shardDb(env);
  const [today, conn] = await db.batch([
    db
      .select({ calls: apiCalls.calls })
      .from(apiCalls)
      .where(and(eq(apiCalls.workspaceId, workspaceId), eq(apiCalls.day, utcDay()))),
    db
      .select({ used: connections.apiUsed, limit: connections.apiLimit, asOf: connections.apiAsOf })
      .from(connections)
      .where(eq(connections.workspaceId, workspaceId)),
  ]);
  const usedToday = today[0]?.calls ?? 0;
  const org = conn[0];
  const status: BudgetStatus = {
    paused: false,
    cause: null,
    reason: null,
    orgAsOf: org?.asOf ?? null,
    usedToday,
    budget: apiDailyBudget,
    orgUsed: org?.used ?? null,
    orgLimit: org?.limit ?? null,
  };
  if (apiDailyBudget !== null && usedToday >= apiDailyBudget) {
    return {
      ...status,
      paused: true,
      cause: "budget",
      reason: `This integration used ${usedToday} of its daily budget of ${apiDailyBudget} Salesforce API calls today`,
    };
  }
  const fresh = org?.asOf ? Date.now() - Date.parse(org.asOf) < ORG_USAGE_FRESH_MS : false;
  if (fresh && org?.used != null && org.limit != null && org.limit - org.used < safetyMargin(org.limit)) {
    return {
      ...status,
      paused: true,
      cause: "org",
      reason: `The Salesforce org has used ${org.used} of its ${org.limit} daily API calls; syncing pauses to leave a safety margin`,
    };
  }
  return status;
}

/**
 * The budget, looking again at the org when a pause for its limit rests on an old reading: the
 * 24 hours are rolling, so usage recovers as old calls age out. One `/limits` call at most per
 * `recheckAfterMs`; if Salesforce cannot answer, the pause stands.
 */
export async function budgetStatusRechecked(
  env: ShardEnv,
  workspaceId: string,
  apiDailyBudget: number | null,
  recheckAfterMs: number,
): Promise<BudgetStatus> {
  const status = await budgetStatus(env, workspaceId, apiDailyBudget);
  if (!status.paused || status.cause !== "org") return status;
  if (status.orgAsOf && Date.now() - Date.parse(status.orgAsOf) < recheckAfterMs) return status;
  let sf: SalesforceClient | null = null;
  try {
    sf = await openSalesforce(env, workspaceId);
    await sf.limits();
  } catch {
    return status;
  } finally {
    await sf?.flushUsage().catch(() => undefined);
  }
  return budgetStatus(env, workspaceId, apiDailyBudget);
}
