import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db";
import { commitBatch } from "../../db/commit";
import { outbox } from "../../db/schema";
import { newId } from "../../lib/crypto";
import { isoNow } from "../../lib/time";
import { type EntityType, outboundChange } from "./message";

export interface OutboxChange {
  workspaceId: string;
  entityType: EntityType;
  entityId: string;
  operation: "upsert" | "delete";
  /** Conversion field names this write changed; the consumer pushes only these to linked records. */
  changedFields: string[];
}

/**
 * The outbox row of an API write, as a statement for the same `db.batch()` as the entity itself:
 * either both commit or neither does, so a change can never exist without its way to Salesforce.
 */
export function outboxInsert(db: Db, change: OutboxChange) {
  const id = newId("obx");
  const statement = db.insert(outbox).values({
    id,
    workspaceId: change.workspaceId,
    entityType: change.entityType,
    entityId: change.entityId,
    operation: change.operation,
    changedFields: JSON.stringify(change.changedFields),
    // created_at is left to D1's clock: the claim measures a burst's age against D1's `now`, so
    // a Worker clock a little off cannot make a change look older or younger than it is.
  });
  return { id, statement };
}

/**
 * Tells the outbound consumer about a committed outbox row and notes that it did. Never throws:
 * the row is safe in D1 and the cron sweep sends whatever this could not.
 */
export async function announceChange(env: Env, db: Db, workspaceId: string, outboxId: string): Promise<boolean> {
  try {
    await env.OUTBOUND_QUEUE.send(outboundChange(workspaceId, outboxId));
  } catch (err) {
    console.error(
      "outbound send failed; the outbox sweep will resend",
      outboxId,
      err instanceof Error ? err.message : String(err),
    );
    return false;
  }
  // A consumer may already have claimed the row (which also stamps sent_at); leave its stamp alone.
  await db
    .update(outbox)
    .set({ sentAt: isoNow() })
    .where(and(eq(outbox.id, outboxId), isNull(outbox.sentAt)))
    .catch(() => undefined);
  return true;
}

/**
 * An API write: the entity's statements and its outbox row commit in one D1 batch, then the
 * consumer is told. Throws only if the commit fails (the caller answers with that error).
 */
export async function commitChange(
  env: Env,
  db: Db,
  entityStatements: readonly unknown[],
  change: OutboxChange,
): Promise<void> {
  const { id, statement } = outboxInsert(db, change);
  await commitBatch(db, [...entityStatements, statement]);
  await announceChange(env, db, change.workspaceId, id);
}
