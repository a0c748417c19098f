import type { ShardEnv } from "./db";

/** Hono's environment for every route: the Worker bindings and what auth middleware resolved. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    workspaceId: string;
    /** The bindings on the workspace's shard (its database, and its name on every queue message sent). */
    shardEnv: ShardEnv;
    /** How the caller authenticated: a workspace API key or the page's session cookie. */
    authKind: "api_key" | "session";
    /** The API key's id, when the caller authenticated with one. */
    apiKeyId?: string;
    /** The page session's id (the hash of its secret), when the caller is the page. */
    sessionId?: string;
  };
};

declare global {
  /** Variables wrangler.toml leaves unset (per deployment, or local development and tests only); see README's configuration table. */
  interface __BaseEnv_Env {
    PUBLIC_URL?: string;
    TOKEN_ENCRYPTION_KEY_PREVIOUS?: string;
    SALESFORCE_SANDBOX_LOGIN_URL?: string;
    /** Local development and tests only: origins accepted as a My Domain besides *.my.salesforce.com (the fake org). */
    SALESFORCE_EXTRA_LOGIN_ORIGINS?: string;
    /** The shards new workspaces are placed on (comma-separated binding names); unset: every bound shard. */
    WORKSPACE_SHARDS?: string;
  }
}
