import type { Connected } from "../../salesforce";

/**
 * What follows a completed connection, after its tokens are stored and before the browser is sent
 * back to the page. `previousOrgId` is the org the workspace was connected to before (null: none), so
 * work that depends on which org this is (watermarks, links to Salesforce ids) can start over when a
 * different org connects. Keep each step a call here.
 */
export async function onConnected(_env: Env, _connected: Connected): Promise<void> {}
