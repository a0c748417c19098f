import { eq } from "drizzle-orm";
import type { Db } from "../../db";
import { connections, workspaces } from "../../db/schema";

/** Why a reconciliation run stops without deleting anything: a run failure code and its words. */
export interface Refusal {
  code: "authentication_failure" | "insufficient_permissions" | "api_limit_exceeded" | "unknown_error";
  detail: string;
}

/**
 * A reconciliation deletes what the connected org does not have: only safe when the connected org is
 * the one Conversion's records are linked to, and no org switch is still being unlinked.
 */
export async function orgRefusal(db: Db, workspaceId: string): Promise<Refusal | null> {
  const row = await db
    .select({
      connected: connections.orgId,
      linked: workspaces.linkedOrgId,
      unlinking: workspaces.unlinkingOrgId,
    })
    .from(workspaces)
    .leftJoin(connections, eq(connections.workspaceId, workspaces.id))
    .where(eq(workspaces.id, workspaceId))
    .get();
  if (row?.unlinking)
    return {
      code: "unknown_error",
      detail:
        "Another Salesforce org was connected and Conversion's records are still being unlinked from the previous one; nothing was deleted. Check again once the new org's first sync is done.",
    };
  if (!row?.connected || !row.linked || row.connected !== row.linked)
    return {
      code: "authentication_failure",
      detail: `The connected Salesforce org (${row?.connected ?? "none"}) is not the org Conversion's records are linked to (${row?.linked ?? "not known"}); nothing was deleted. Reconnect Salesforce from the Overview tab with the org the records came from.`,
    };
  return null;
}

/** Most records a run removes without confirmDeletes: 5% of the object's linked records, at least 100. */
export function deleteLimit(linked: number): number {
  return Math.max(100, Math.ceil(linked * 0.05));
}

/** The circuit breaker's words: what was found, what was done (nothing), and how to go ahead. */
export function tooManyGone(salesforceObject: string, gone: number, linked: number, limit: number): Refusal {
  return {
    code: "insufficient_permissions",
    detail:
      `At least ${gone} of the ${linked} ${salesforceObject} records linked to Conversion are no longer visible in Salesforce: ` +
      `more than ${limit} (5%, at least 100), more than an org deletes in a week. Often the integration user lost access to them ` +
      "(sharing rules, View All). Nothing more was deleted. If they really were deleted in Salesforce, check again with " +
      'POST /api/v1/sync/reconcile {"confirmDeletes": true}.',
  };
}

/** The object's own sync held its lease for longer than a check waits. */
export function busyTooLong(salesforceObject: string): Refusal {
  return { code: "unknown_error", detail: `Salesforce sync of ${salesforceObject} was busy; try again later.` };
}

/** An in-cycle check whose cycle lost the object's lease (it expired and a newer cycle took it). */
export function leaseLost(salesforceObject: string): Refusal {
  return {
    code: "unknown_error",
    detail: `The sync cycle's turn on ${salesforceObject} ended before this check finished; nothing more was deleted. The next check runs on its own.`,
  };
}
