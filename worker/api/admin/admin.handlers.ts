import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq, isNull } from "drizzle-orm";
import { forgetTrustedKeys, issueApiKey } from "../../auth/keys";
import { endSessionsOfKey } from "../../auth/sessions";
import { directoryDb, onShard, placeWorkspace, shardDb } from "../../db";
import { apiKeys, workspaces } from "../../db/schema";
import type { AppEnv } from "../../env";
import { newId } from "../../lib/crypto";
import { isoNow } from "../../lib/time";
import { notFound } from "../errors";
import type { createApiKey, createWorkspace, revokeApiKey } from "./admin.routes";

export const createWorkspaceHandler: RouteHandler<typeof createWorkspace, AppEnv> = async (c) => {
  const { name } = c.req.valid("json");
  const directory = directoryDb(c.env);
  const id = newId("ws");
  // The workspace's shard is fixed here, for life (docs/shards.md). Its row goes to the shard first
  // (its own foreign keys and joins), then to the directory, then its first key: a failure between
  // them leaves a row nobody can reach, never a key to a workspace without its row on its shard.
  const shard = await placeWorkspace(c.env);
  if (shard !== "DB") await shardDb(onShard(c.env, shard)).insert(workspaces).values({ id, name, shard });
  await directory.insert(workspaces).values({ id, name, shard });
  const { apiKey } = await issueApiKey(directory, id);
  return c.json({ workspace: { id, name }, apiKey }, 201);
};

export const createApiKeyHandler: RouteHandler<typeof createApiKey, AppEnv> = async (c) => {
  const db = directoryDb(c.env);
  const { id } = c.req.valid("param");
  const ws = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, id)).get();
  if (!ws) throw notFound("Workspace");
  return c.json(await issueApiKey(db, id), 201);
};

/** Revoking a key also ends the page sessions and unspent launch links it minted. */
export const revokeApiKeyHandler: RouteHandler<typeof revokeApiKey, AppEnv> = async (c) => {
  const { id, keyId } = c.req.valid("param");
  const db = directoryDb(c.env);
  const [revoked] = await db.batch([
    db
      .update(apiKeys)
      .set({ revokedAt: isoNow() })
      .where(and(eq(apiKeys.id, keyId), eq(apiKeys.workspaceId, id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id }),
    endSessionsOfKey(db, id, keyId),
  ]);
  if (!revoked.length) throw notFound("API key");
  forgetTrustedKeys();
  return c.body(null, 204);
};
