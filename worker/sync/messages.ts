import { z } from "zod";
import type { BulkCursor } from "./inbound/bulk";
import type { InboundBatchMessage } from "./inbound/message";
import type { SlicedRead } from "./inbound/parallel-plan";
import type { PlanCycleMessage } from "./inbound/planner";
import type { OrgUnlinkMessage } from "./org/unlink";
import type { OutboundChangeMessage } from "./outbound/message";
import type { OutboundRetryMessage } from "./outbound/retry";
import type { PushCycleMessage } from "./push/request";
import type { ReconcileMessage } from "./reconcile/message";
import type { InboundRetryMessage } from "./retry/message";

// Every message the sync queues carry, as one zod union parsed at the consumer's door (worker/queue.ts):
// a message that does not match is set aside with a log line instead of failing somewhere inside a
// run. Each schema is held to its message's type below, so neither can change without the other.

const windowStart = z.object({ stamp: z.string(), id: z.string() }).nullable();

const bulkCursor = z.object({
  jobId: z.string(),
  until: z.string().nullable(),
  createdAt: z.string(),
  polls: z.number(),
  complete: z.boolean(),
  locator: z.string().nullable(),
  consumed: z.number(),
  records: z.number().nullable().optional(),
  max: windowStart,
});

const slicedRead = z.object({
  plannedAt: z.string(),
  slices: z.array(z.object({ after: windowStart, until: z.string(), max: windowStart, done: z.boolean() })),
});

const inboundBatch = z.object({
  type: z.literal("inbound_batch"),
  workspaceId: z.string(),
  salesforceObject: z.string(),
  kind: z.enum(["backfill", "incremental"]),
  cycleId: z.string(),
  batchNo: z.number(),
  after: windowStart,
  seenUpTo: windowStart.optional(),
  limit: z.number(),
  span: z.number().nullable().optional(),
  note: z.string().optional(),
  bulk: bulkCursor.optional(),
  sliced: slicedRead.optional(),
  rest: z.boolean().optional(),
  reread: z.boolean().optional(),
  remaining: z.array(z.string()),
});

const planCycle = z.object({ type: z.literal("plan_cycle"), workspaceId: z.string() });

const orgUnlink = z.object({ type: z.literal("org_unlink"), workspaceId: z.string() });

const inboundRetry = z.object({
  type: z.literal("inbound_retry"),
  workspaceId: z.string(),
  runId: z.string(),
  retryOf: z.string(),
});

const reconcile = z.object({
  type: z.literal("inbound_reconcile"),
  workspaceId: z.string(),
  salesforceObject: z.string(),
  runId: z.string(),
  leaseOwner: z.string(),
  remaining: z.array(z.string()).optional(),
  waitingSince: z.string().optional(),
  pagesPerStep: z.number().optional(),
});

const pushCycle = z.object({
  type: z.literal("push_cycle"),
  workspaceId: z.string(),
  salesforceObject: z.string(),
  attempt: z.number(),
});

const outboundChange = z
  .object({
    type: z.literal("outbound_change"),
    workspaceId: z.string(),
    outboxId: z.string().optional(),
    outboxIds: z.array(z.string()).optional(),
    round: z.number().optional(),
  })
  .refine((m) => m.outboxId !== undefined || m.outboxIds !== undefined, {
    message: "names no outbox row (outboxId or outboxIds)",
  });

const outboundRetry = z.object({
  type: z.literal("outbound_retry"),
  workspaceId: z.string(),
  entityType: z.enum(["contact", "company"]),
  batchKey: z.string(),
  outboxIds: z.array(z.string()),
});

/** Any message of the sync queues (inbound, backfill, outbound, and the dead letters of all three). */
export const queueMessage = z.discriminatedUnion("type", [
  inboundBatch,
  planCycle,
  inboundRetry,
  reconcile,
  pushCycle,
  orgUnlink,
  outboundChange,
  outboundRetry,
]);

export type QueueMessage = z.infer<typeof queueMessage>;

/**
 * Beside any message: the shard (D1 binding) holding its workspace, stamped by the sender (onShard in
 * worker/db/shards.ts). Messages sent before shards existed have none: one directory read finds it.
 */
const routing = z.object({
  shard: z
    .string()
    .regex(/^(DB|SHARD_\d+)$/, "not a shard binding name")
    .optional(),
});

/**
 * The message and the shard it names, or why it is not one: its `type` (if any) and the first mismatch,
 * naming the field.
 */
export function readQueueMessage(
  body: unknown,
): { ok: true; message: QueueMessage; shard: string | undefined } | { ok: false; type: string; problem: string } {
  const parsed = queueMessage.safeParse(body);
  const routed = routing.safeParse(body);
  if (!parsed.success) {
    const type = typeof body === "object" && body !== null ? String((body as { type?: unknown }).type) : typeof body;
    const issue = parsed.error.issues[0];
    return { ok: false, type, problem: issue ? `${issue.path.join(".") || "message"}: ${issue.message}` : "malformed" };
  }
  if (!routed.success)
    return { ok: false, type: parsed.data.type, problem: `shard: ${routed.error.issues[0]?.message}` };
  return { ok: true, message: parsed.data, shard: routed.data.shard };
}

// Each schema says exactly what its message type says (a compile error otherwise).
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const agree = <T extends true>(_: T[]) => undefined;
agree([
  true as Same<z.infer<typeof bulkCursor>, BulkCursor>,
  true as Same<z.infer<typeof slicedRead>, SlicedRead>,
  true as Same<z.infer<typeof inboundBatch>, InboundBatchMessage>,
  true as Same<z.infer<typeof planCycle>, PlanCycleMessage>,
  true as Same<z.infer<typeof inboundRetry>, InboundRetryMessage>,
  true as Same<z.infer<typeof reconcile>, ReconcileMessage>,
  true as Same<z.infer<typeof pushCycle>, PushCycleMessage>,
  true as Same<z.infer<typeof orgUnlink>, OrgUnlinkMessage>,
  true as Same<z.infer<typeof outboundChange>, OutboundChangeMessage>,
  true as Same<z.infer<typeof outboundRetry>, OutboundRetryMessage>,
]);
