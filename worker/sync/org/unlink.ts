import { and, eq } from "drizzle-orm";
import { type ShardEnv, shardDb } from "../../db";
import { workspaces } from "../../db/schema";
import { resendWaiting } from "../outbound";

/** Queue message: remove the next chunks of a workspace's links to the org it was connected to before. */
export interface OrgUnlinkMessage {
  type: "org_unlink";
  workspaceId: string;
}

// Rows per table per statement, and rounds per invocation: 5 statements a round, each through the
// table's (workspace_id, salesforce_id) index, bounded whatever the workspace's size.
const CHUNK = 1_000;
const ROUNDS = 20;

/** One statement per table (?1 the workspace): up to CHUNK of its links removed. */
export const UNLINK = [
  ["UPDATE contacts SET salesforce_id = NULL, salesforce_object = NULL, sf_modstamp = NULL", "contacts_ws_sfid"],
  ["UPDATE companies SET salesforce_id = NULL, sf_modstamp = NULL", "companies_ws_sfid"],
  ["UPDATE opportunities SET salesforce_id = NULL, sf_modstamp = NULL", "opportunities_ws_sfid"],
  ["UPDATE opportunity_contact_roles SET salesforce_id = NULL, sf_modstamp = NULL", "ocr_ws_sfid"],
  ["UPDATE events SET salesforce_id = NULL, sf_modstamp = NULL", "events_ws_sfid"],
].map(([update, index]) => {
  const table = update!.split(" ")[1];
  // Rows by their key: contacts are WITHOUT ROWID, keyed (workspace_id, id); the others by rowid. The
  // linked rows through the Salesforce id index, named: on contacts the planner would rather walk the
  // whole workspace's primary key.
  const key = table === "contacts" ? "workspace_id = ?1 AND id" : "rowid";
  const linked = `SELECT ${key === "rowid" ? "rowid" : "id"} FROM ${table} INDEXED BY ${index} WHERE workspace_id = ?1 AND salesforce_id IS NOT NULL LIMIT ${CHUNK}`;
  return `${update} WHERE ${key} IN (${linked})`;
});

/** Queues the unlinking of a workspace whose org changed (the planner queues it again if this send is lost). */
export async function startUnlink(env: ShardEnv, workspaceId: string): Promise<void> {
  await env.INBOUND_QUEUE.send({ type: "org_unlink", workspaceId } satisfies OrgUnlinkMessage);
}

/**
 * One invocation of the unlinking job: up to ROUNDS × CHUNK links per table removed, then the next
 * message. When nothing is linked any more the workspace is released: `unlinking_org_id` is cleared,
 * changes waiting for Salesforce go out, and the next planned cycle backfills the new org.
 */
export async function runUnlinkStep(env: ShardEnv, m: OrgUnlinkMessage): Promise<{ done: true }> {
  const db = shardDb(env);
  const row = await db
    .select({ unlinking: workspaces.unlinkingOrgId })
    .from(workspaces)
    .where(eq(workspaces.id, m.workspaceId))
    .get();
  if (!row?.unlinking) return { done: true };
  for (let round = 0; round < ROUNDS; round++) {
    const results = await db.$client.batch(UNLINK.map((s) => db.$client.prepare(s).bind(m.workspaceId)));
    if (results.some((r) => (r.meta.changes ?? 0) > 0)) continue;
    await db
      .update(workspaces)
      .set({ unlinkingOrgId: null })
      .where(and(eq(workspaces.id, m.workspaceId), eq(workspaces.unlinkingOrgId, row.unlinking)));
    await resendWaiting(env, m.workspaceId).catch((err) =>
      console.error("resend after unlinking failed", err instanceof Error ? err.message : String(err)),
    );
    return { done: true };
  }
  await env.INBOUND_QUEUE.send(m);
  return { done: true };
}
