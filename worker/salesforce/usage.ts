import { eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db";
import { apiCalls, connections } from "../db/schema";
import { isoNow } from "../lib/time";

export type OrgUsage = { used: number; limit: number };

/**
 * Reads `api-usage=used/limit` out of Sforce-Limit-Info. Unanchored on purpose: the header may also
 * carry `api-bursts=...` or `per-app-api-usage=...` parts.
 */
export function parseLimitInfo(header: string | null): OrgUsage | null {
  const m = header?.match(/api-usage=(\d+)\/(\d+)/);
  if (!m) return null;
  return { used: Number(m[1]), limit: Number(m[2]) };
}

export function utcDay(date = new Date()): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Writes what a client saw since its last flush in one D1 batch of at most two statements: the call
 * count added to today's api_calls row, and the org's last known usage on the connection.
 */
export async function writeUsage(db: Db, workspaceId: string, calls: number, usage: OrgUsage | null): Promise<void> {
  const statements: BatchItem<"sqlite">[] = [];
  if (calls > 0) {
    statements.push(
      db
        .insert(apiCalls)
        .values({ workspaceId, day: utcDay(), calls })
        .onConflictDoUpdate({
          target: [apiCalls.workspaceId, apiCalls.day],
          set: { calls: sql`${apiCalls.calls} + excluded.calls` },
        }),
    );
  }
  if (usage) {
    statements.push(
      db
        .update(connections)
        .set({ apiUsed: usage.used, apiLimit: usage.limit, apiAsOf: isoNow() })
        .where(eq(connections.workspaceId, workspaceId)),
    );
  }
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}
