import type { ShardEnv } from "../../db";
import type { Connected } from "../../salesforce";
import { type OrgChange, startUnlink } from "../../sync/org";
import { resendWaiting } from "../../sync/outbound";

/**
 * What follows a completed connection, after its tokens are stored (with what the org switch
 * changed, see worker/sync/org) and before the browser is sent back to the page. Keep each step a
 * call here.
 */
export async function onConnected(env: ShardEnv, connected: Connected, change: OrgChange): Promise<void> {
  // Another org: its old links are removed by a queued job (the planner queues it again if this
  // send fails), and outbound changes wait for it.
  if (change === "changed") {
    await startUnlink(env, connected.workspaceId).catch((err) =>
      console.error("unlink start failed", err instanceof Error ? err.message : String(err)),
    );
    return;
  }
  // Conversion changes that waited for the connection (a reconnect, a first connect) go out now,
  // not at the next outbox sweep. A failure here only delays them: the sweep still sends them.
  await resendWaiting(env, connected.workspaceId).catch((err) =>
    console.error("resend after connect failed", err instanceof Error ? err.message : String(err)),
  );
}
