import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { z } from "@hono/zod-openapi";
import { createApp } from "../../worker/api";
import { errorSchema } from "../../worker/api/common";
import { startReconcileRoute } from "../../worker/api/reconcile/reconcile.routes";
import { onShard, type ShardEnv, shards } from "../../worker/db";
import { openToken, tokenKeys } from "../../worker/salesforce";
import { contract } from "./contract";

export const ADMIN = { authorization: "Bearer test-admin-token" };

/**
 * Calls the Worker under test through its real fetch handler, and checks the answer against the
 * published OpenAPI document (contract.ts): an undocumented status or a body off its schema fails the test.
 */
export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const req = new Request(new URL(path, "http://localhost"), init);
  const { method, url } = req;
  const res = await exports.default.fetch(req);
  await (await contract()).check(method, url, res);
  return res;
}

/** An answer's JSON body read with the API's own zod schema: typed as the API declares it, and refused if off it. */
export async function bodyOf<S extends z.ZodType>(res: Response, schema: S): Promise<z.output<S>> {
  return schema.parse(await res.json());
}

/** A 400's body as api/errors.ts makes it: the Error schema, its details naming each offending field. */
export const badInputSchema = errorSchema.extend({
  error: errorSchema.shape.error.extend({
    details: z.object({ issues: z.array(z.object({ field: z.string(), message: z.string() })) }),
  }),
});

/** POST /api/v1/sync/reconcile's 202: the reconciliation runs it queued. */
export const reconcileStartedSchema = startReconcileRoute.responses[202].content["application/json"].schema;

export function jsonInit(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

/**
 * Provisions a workspace through the admin API; returns its id and a bearer header. `shard` places it
 * there (the app's own placement, narrowed with WORKSPACE_SHARDS); otherwise on the suite's first shard.
 */
export async function newWorkspace(name = "Acme", opts: { shard?: string } = {}) {
  const init = jsonInit("POST", { name }, ADMIN);
  const res = opts.shard
    ? await callWith({ WORKSPACE_SHARDS: opts.shard }, "/api/v1/admin/workspaces", init)
    : await call("/api/v1/admin/workspaces", init);
  if (res.status !== 201) throw new Error(`workspace create failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { workspace: { id: string; name: string }; apiKey: string };
  return { id: body.workspace.id, apiKey: body.apiKey, auth: { authorization: `Bearer ${body.apiKey}` } };
}

export { env };

/**
 * The test Worker's bindings on its first shard (`DB`): the suite places workspaces there
 * (WORKSPACE_SHARDS in vitest.config.ts), so a test calling the engine directly works on it.
 * test/workers/shards.test.ts places workspaces on both shards.
 */
export const firstShard: ShardEnv = onShard(env, shards(env)[0]!);

/** The shard the directory (`DB`'s workspaces) says the workspace is on. */
export async function shardOf(workspaceId: string): Promise<string> {
  const row = await env.DB.prepare("SELECT shard FROM workspaces WHERE id = ?")
    .bind(workspaceId)
    .first<{ shard: string }>();
  if (!row) throw new Error(`no workspace ${workspaceId} in the directory`);
  return row.shard;
}

/** The D1 database holding the workspace's data. */
export async function d1Of(workspaceId: string): Promise<D1Database> {
  return (env as unknown as Record<string, D1Database>)[await shardOf(workspaceId)]!;
}

/** Opens a stored (sealed) Salesforce token with the test Worker's keys. */
export async function openStored(
  workspaceId: string,
  field: "access_token" | "refresh_token",
  sealed: string,
): Promise<string> {
  return (await openToken(await tokenKeys(env), workspaceId, field, sealed)).value;
}

/**
 * Calls the app as a Worker started with other variables: `vars` replace (or, as undefined, remove)
 * bindings of the test Worker; D1 and the queues are the same.
 */
export function callWith(vars: Record<string, string | undefined>, path: string, init: RequestInit = {}) {
  const changed = { ...env, ...vars } as Env;
  return createApp().fetch(new Request(new URL(path, "http://localhost"), init), changed, createExecutionContext());
}
