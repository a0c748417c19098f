import type { connections, syncState } from "../../db/schema";
import type { Settings } from "../../settings";
import { cycleOrder, objectTypeOf } from "../../sync/objects";

type StateRow = Pick<
  typeof syncState.$inferSelect,
  "salesforceObject" | "lastCheckedAt" | "watermarkReadAt" | "lastPlannedAt" | "leaseOwner" | "leaseExpiresAt"
>;

const MINUTE_MS = 60_000;
/** The planner's own slack: a workspace is due a few seconds before its interval has fully passed. */
const PLANNER_SLACK_MS = 5_000;

/**
 * "Last checked … · next check in …" per enabled inbound object, in cycle order. Last checked is when
 * the object's chain last read Salesforce up to the present (before migration 0006, its last page);
 * the next check is the first cron tick (every minute) after the workspace's interval has passed
 * since its last planned cycle, as the planner decides. No next check while not connected.
 */
export function inboundChecks(
  rows: StateRow[],
  settings: Pick<Settings, "objects" | "eventObject" | "syncIntervalMinutes">,
  connection: Pick<typeof connections.$inferSelect, "status"> | undefined,
  now: number,
) {
  const byObject = new Map(rows.map((r) => [r.salesforceObject, r]));
  const lastPlanned = Math.max(0, ...rows.map((r) => (r.lastPlannedAt ? Date.parse(r.lastPlannedAt) : 0)));
  const due = lastPlanned ? lastPlanned + settings.syncIntervalMinutes * MINUTE_MS - PLANNER_SLACK_MS : now;
  const nextTick = Math.ceil(Math.max(due, now + 1) / MINUTE_MS) * MINUTE_MS;
  const nextCheckAt = connection?.status === "connected" ? new Date(nextTick).toISOString() : null;
  const nowIso = new Date(now).toISOString();
  return cycleOrder(settings.eventObject)
    .filter((object) => settings.objects[object]?.enabled)
    .map((object) => {
      const row = byObject.get(object);
      return {
        salesforceObject: object,
        objectType: objectTypeOf(object, settings.eventObject),
        lastCheckedAt: row?.lastCheckedAt ?? row?.watermarkReadAt ?? null,
        nextCheckAt,
        checking: Boolean(row?.leaseOwner && row.leaseExpiresAt && row.leaseExpiresAt > nowIso),
      };
    });
}
