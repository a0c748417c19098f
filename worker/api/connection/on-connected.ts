import { getDb } from "../../db";
import type { Connected } from "../../salesforce";
import { adoptOrg } from "../../sync/org";
import { resendWaiting } from "../../sync/outbound";

/**
 * What follows a completed connection, after its tokens are stored and before the browser is sent
 * back to the page. `previousOrgId` is the org the workspace was connected to before (null: none), so
 * work that depends on which org this is (watermarks, links to Salesforce ids) can start over when a
 * different org connects. Keep each step a call here.
 */
export async function onConnected(env: Env, connected: Connected): Promise<void> {
  // Another org than the one Conversion's records are linked to (remembered across disconnects,
  // unlike previousOrgId): start over (see worker/sync/org).
  await adoptOrg(getDb(env), connected.workspaceId, connected.orgId);
  // Conversion changes that waited for the connection (a reconnect, a first connect) go out now,
  // not at the next outbox sweep. A failure here only delays them: the sweep still sends them.
  await resendWaiting(env, connected.workspaceId).catch((err) =>
    console.error("resend after connect failed", err instanceof Error ? err.message : String(err)),
  );
}
