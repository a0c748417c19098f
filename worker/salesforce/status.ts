import { type ShardEnv, shardDb } from "../db";
import { environmentOf, type LoginEnvironment } from "./login-hosts";
import { loadConnectionRow } from "./store";
import { defaultLoginUrl } from "./token-endpoint";

/** The connection as the API and the Overview tab show it; never a token. */
export type ConnectionStatus = {
  status: "not_connected" | "connected" | "needs_reconnect";
  instanceUrl: string | null;
  orgId: string | null;
  username: string | null;
  connectedAt: string | null;
  environment: LoginEnvironment | null;
  loginUrl: string | null;
  apiUsage: { used: number; limit: number; asOf: string | null } | null;
};

/** What `GET /api/v1/connection` answers: status, org, user and the last known API usage. */
export async function getConnectionStatus(env: ShardEnv, workspaceId: string): Promise<ConnectionStatus> {
  const row = await loadConnectionRow(shardDb(env), workspaceId);
  if (!row)
    return {
      status: "not_connected",
      instanceUrl: null,
      orgId: null,
      username: null,
      connectedAt: null,
      environment: null,
      loginUrl: null,
      apiUsage: null,
    };
  const apiUsage =
    row.apiUsed !== null && row.apiLimit !== null
      ? { used: row.apiUsed, limit: row.apiLimit, asOf: row.apiAsOf }
      : null;
  return {
    status: row.status,
    instanceUrl: row.instanceUrl,
    orgId: row.orgId,
    username: row.username,
    connectedAt: row.connectedAt,
    environment: environmentOf(env, row.loginUrl),
    loginUrl: row.loginUrl ?? defaultLoginUrl(env),
    apiUsage,
  };
}
