import { count, eq } from "drizzle-orm";
import { type Db, dbOver } from "./client";
import { workspaces } from "./schema";

// Workspaces over several D1 databases (docs/shards.md). `DB` is the directory (every workspace's row
// with its shard, API keys, sessions, OAuth states) and also the first shard; `SHARD_1` … are more
// shards, each with the same migrations. Everything a workspace owns lives on its shard.

declare const shardBrand: unique symbol;
/** A D1 binding name that holds workspaces' data, checked against the bindings present. */
export type Shard = string & { readonly [shardBrand]: true };

/**
 * The Worker's bindings with one shard chosen: `shardDb` reads it, and every queue message sent through
 * it names the shard, so its consumer finds the data without asking the directory.
 */
export type ShardEnv = Env & { readonly shard: Shard };

const SHARD_BINDING = /^SHARD_(\d+)$/;

/** Every shard bound to this Worker: `DB` first, then `SHARD_1`, `SHARD_2` … in number order. */
export function shards(env: Env): Shard[] {
  const more = Object.keys(env)
    .filter((k) => SHARD_BINDING.test(k) && isD1((env as unknown as Record<string, unknown>)[k]))
    .sort((a, b) => Number(a.match(SHARD_BINDING)![1]) - Number(b.match(SHARD_BINDING)![1]));
  return ["DB", ...more] as Shard[];
}

function isD1(v: unknown): v is D1Database {
  return typeof v === "object" && v !== null && typeof (v as D1Database).prepare === "function";
}

/** The shard of that name if it is bound here, else null (a message or row naming an unknown binding). */
export function shardNamed(env: Env, name: string): Shard | null {
  return shards(env).includes(name as Shard) ? (name as Shard) : null;
}

/** The directory database: workspaces (with their shard), API keys, sessions, OAuth states. */
export function directoryDb(env: Env): Db {
  return dbOver(env.DB);
}

/** The database of the shard `env` was given (onShard). */
export function shardDb(env: ShardEnv): Db {
  return dbOver((env as unknown as Record<string, D1Database>)[env.shard]!);
}

const QUEUES = ["INBOUND_QUEUE", "BACKFILL_QUEUE", "OUTBOUND_QUEUE"] as const;

/** A queue producer whose every message body carries the shard (objects only; the sync messages all are). */
function stamping(queue: Queue, shard: Shard): Queue {
  const stamp = (body: unknown) =>
    typeof body === "object" && body !== null && !Array.isArray(body) ? { ...body, shard } : body;
  return {
    send: (body, options) => queue.send(stamp(body), options),
    sendBatch: (messages, options) =>
      queue.sendBatch(
        [...messages].map((m) => ({ ...m, body: stamp(m.body) })),
        options,
      ),
    metrics: () => queue.metrics(),
  } as Queue;
}

/** `env` working on one shard: its database for shardDb, its name on every queue message sent. */
export function onShard(env: Env, shard: Shard): ShardEnv {
  const queues = Object.fromEntries(QUEUES.map((q) => [q, stamping(env[q], shard)]));
  return { ...env, ...queues, shard } as ShardEnv;
}

// A workspace's shard never changes, so an isolate may remember it.
const known = new Map<string, Shard>();
const MAX_KNOWN = 10_000;

/** `env` on the workspace's shard (one directory read, remembered), or null for an unknown workspace. */
export async function workspaceEnv(env: Env, workspaceId: string): Promise<ShardEnv | null> {
  let shard = known.get(workspaceId);
  if (!shard) {
    const row = await directoryDb(env)
      .select({ shard: workspaces.shard })
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId))
      .get();
    if (!row) return null;
    const named = shardNamed(env, row.shard);
    if (!named) throw new Error(`workspace ${workspaceId} is on shard ${row.shard}, which is not bound`);
    if (known.size >= MAX_KNOWN) known.delete(known.keys().next().value!);
    known.set(workspaceId, named);
    shard = named;
  }
  return onShard(env, shard);
}

/**
 * Where a new workspace goes: the shard with the fewest workspaces (ties: the first), among the bound
 * shards that WORKSPACE_SHARDS lists (comma-separated; unset: all). Listing fewer stops placing on a full
 * shard; its workspaces stay where they are.
 */
export async function placeWorkspace(env: Env): Promise<Shard> {
  const open = accepting(env);
  const rows = await directoryDb(env)
    .select({ shard: workspaces.shard, n: count() })
    .from(workspaces)
    .groupBy(workspaces.shard);
  const held = new Map(rows.map((r) => [r.shard, r.n]));
  return open.reduce((best, s) => ((held.get(s) ?? 0) < (held.get(best) ?? 0) ? s : best), open[0]!);
}

function accepting(env: Env): Shard[] {
  const all = shards(env);
  const listed = env.WORKSPACE_SHARDS?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!listed?.length) return all;
  const open = all.filter((s) => listed.includes(s));
  if (!open.length) throw new Error(`WORKSPACE_SHARDS (${env.WORKSPACE_SHARDS}) names no bound shard`);
  return open;
}
