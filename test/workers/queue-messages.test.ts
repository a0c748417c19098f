import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../worker/index";

// Every queue message is parsed at the consumer's door (worker/sync/messages.ts): one that is not a
// sync message, or is one with a field missing or of the wrong kind, is set aside (acked, never
// retried) with a log line naming its type and the field, and never fails the batch it came in.

/** Delivers the bodies as one batch of `queue`, as the Queues runtime would. */
async function deliver(queue: string, bodies: unknown[]) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

function logged() {
  const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
  return () => spy.mock.calls.map((args) => args.map(String).join(" "));
}

afterEach(() => vi.restoreAllMocks());

const ids = (n: number) => Array.from({ length: n }, (_, i) => `msg-${i}`);

describe("queue messages at the consumer's door", () => {
  it("sets aside an inbound batch with fields missing, naming the field, instead of running it", async () => {
    const lines = logged();
    const half = { type: "inbound_batch", workspaceId: "ws_missing", salesforceObject: "Lead", batchNo: "one" };
    const result = await deliver("sync-inbound", [half]);
    expect(result.explicitAcks).toEqual(ids(1));
    expect(result.retryMessages).toEqual([]);
    expect(lines()).toEqual([expect.stringMatching(/^malformed queue message set aside sync-inbound inbound_batch /)]);
    expect(lines()[0]).toMatch(/ (kind|cycleId|batchNo|after|limit|remaining): /);
  });

  it("sets aside what is not a sync message at all, every one of a batch", async () => {
    const lines = logged();
    const result = await deliver("sync-inbound", [{ type: "not-a-message" }, "text", null, 42]);
    expect(result.explicitAcks).toEqual(ids(4));
    expect(result.retryMessages).toEqual([]);
    expect(lines()).toHaveLength(4);
    expect(lines()[0]).toMatch(/^unknown queue message set aside sync-inbound not-a-message type: /);
  });

  it("sets aside outbound changes that name no outbox row or no workspace, beside a good message", async () => {
    const lines = logged();
    const result = await deliver("sync-outbound", [
      { type: "outbound_change", workspaceId: "ws_x" },
      { type: "outbound_change", workspaceId: 5, outboxId: "obx_1" },
      { type: "outbound_retry", workspaceId: "ws_x", entityType: "lead", batchKey: "k", outboxIds: [] },
      { type: "plan_cycle", workspaceId: "ws_no_such_workspace" },
    ]);
    expect(result.explicitAcks).toEqual(ids(4));
    expect(result.retryMessages).toEqual([]);
    const said = lines();
    expect(said[0]).toContain("outbound_change message: names no outbox row");
    expect(said[1]).toContain("outbound_change workspaceId: ");
    expect(said[2]).toContain("outbound_retry entityType: ");
    // A workspace the directory does not know has no shard to run on (shards.test.ts: the routed ones).
    expect(said[3]).toBe("queue message for no known shard set aside sync-outbound plan_cycle -");
    expect(said).toHaveLength(4);
  });

  it("sets aside a malformed dead letter too", async () => {
    const lines = logged();
    const result = await deliver("sync-dead-letter", [{ type: "inbound_batch", workspaceId: "ws_x" }, "text"]);
    expect(result.explicitAcks).toEqual(ids(2));
    expect(lines()).toHaveLength(2);
  });
});
