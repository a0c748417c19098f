import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

/** A Conversion customer; every other row carries its id. */
export const workspaces = sqliteTable(
  "workspaces",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /**
     * The Salesforce org Conversion's records are linked to (their salesforceId, the watermarks). It
     * outlives a disconnect, so reconnecting another org is noticed (see worker/sync/org).
     */
    linkedOrgId: text("linked_org_id"),
    /**
     * The org whose links are still being removed after another org connected (a queue job, chunk by
     * chunk). While set, no inbound chain or reconciliation runs for the workspace.
     */
    unlinkingOrgId: text("unlinking_org_id"),
    /**
     * The D1 binding (shard) holding everything the workspace owns, fixed when it is created
     * (worker/db/shards.ts). Read from the directory (the `DB` database), which holds every workspace's
     * row; the workspace's shard holds a copy of the row for its own foreign keys and joins.
     */
    shard: text("shard").notNull().default("DB"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("workspaces_shard").on(t.shard)],
);

/** Workspace API keys, stored as SHA-256 hashes; the key itself is shown once. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    keyHash: text("key_hash").notNull().unique(),
    prefix: text("prefix").notNull(),
    createdAt: text("created_at").notNull().default(now),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("api_keys_workspace").on(t.workspaceId)],
);

/**
 * One-time launch links and page sessions; both keyed by the hash of their secret. Each remembers the
 * API key that minted it (a launch link's session inherits it): revoking the key ends them.
 * `expires_at` is the absolute end; `last_seen_at` drives the idle timeout.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    kind: text("kind", { enum: ["launch", "session"] }).notNull(),
    csrfToken: text("csrf_token"),
    apiKeyId: text("api_key_id"),
    expiresAt: text("expires_at").notNull(),
    lastSeenAt: text("last_seen_at"),
    usedAt: text("used_at"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("sessions_expiry").on(t.expiresAt), index("sessions_api_key").on(t.apiKeyId)],
);

/**
 * OAuth `state` nonces: bound to the page session that started the flow (its id, the hash of its
 * secret), expiring, consumed once. `login_url` is the Salesforce login host chosen for this flow.
 */
export const oauthStates = sqliteTable(
  "oauth_states",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    sessionId: text("session_id"),
    loginUrl: text("login_url"),
    codeVerifier: text("code_verifier").notNull(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
  },
  (t) => [index("oauth_states_expiry").on(t.expiresAt)],
);

/** The workspace's Salesforce org. Tokens are AES-GCM ciphertexts, never clear text. */
export const connections = sqliteTable("connections", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id),
  status: text("status", { enum: ["connected", "needs_reconnect"] }).notNull(),
  instanceUrl: text("instance_url").notNull(),
  /** The login host the org was authorized at (production, sandbox or My Domain); null: the deployment's default. */
  loginUrl: text("login_url"),
  orgId: text("org_id"),
  userId: text("user_id"),
  username: text("username"),
  accessTokenEnc: text("access_token_enc").notNull(),
  refreshTokenEnc: text("refresh_token_enc"),
  connectedAt: text("connected_at").notNull(),
  apiUsed: integer("api_used"),
  apiLimit: integer("api_limit"),
  apiAsOf: text("api_as_of"),
  updatedAt: text("updated_at").notNull().default(now),
});

/** Sync settings as one validated JSON document (see worker/settings). */
export const settings = sqliteTable("settings", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id),
  json: text("json").notNull(),
  updatedAt: text("updated_at").notNull().default(now),
});

/** Salesforce calls this integration made per workspace and UTC day, for the daily budget. */
export const apiCalls = sqliteTable(
  "api_calls",
  {
    workspaceId: text("workspace_id").notNull(),
    day: text("day").notNull(),
    calls: integer("calls").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day] })],
);

/**
 * The secret Salesforce sends when it pushes a change (a Flow's HTTP callout, an Outbound Message):
 * sealed like the tokens (AES-GCM under TOKEN_ENCRYPTION_KEY), since Settings shows it to the admin.
 */
export const pushSecrets = sqliteTable("push_secrets", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id),
  secretEnc: text("secret_enc").notNull(),
  createdAt: text("created_at").notNull().default(now),
  /** When Salesforce last pushed with it (Settings shows it, so an admin sees the Flow works). */
  lastUsedAt: text("last_used_at"),
});
