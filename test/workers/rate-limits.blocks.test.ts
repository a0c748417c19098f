import { describe, expect, it } from "vitest";
import { block, blockCacheKey, isBlocked, NOT_BLOCKED_TRUST_MS } from "../../worker/rate-limits/blocks";

// The failed-authentication block as an isolate sees it: its own blocks at once, another isolate's
// (a Cache API entry it did not put) once its last "not blocked" answer is older than the trust.
const cache = () => (caches as unknown as { default: Cache }).default;
const blockedElsewhere = (address: string) =>
  cache().put(blockCacheKey(address), new Response(null, { headers: { "cache-control": "max-age=60" } }));

describe("failed-authentication blocks", () => {
  it("sees another isolate's block once its last lookup is older than the trust, not per request", async () => {
    const address = "192.0.2.41";
    const t = Date.now();
    expect(await isBlocked(address, t)).toBe(false);
    await blockedElsewhere(address);
    // Within the trust this isolate does not look again: a burst from one address costs one lookup a second.
    expect(await isBlocked(address, t + NOT_BLOCKED_TRUST_MS - 1)).toBe(false);
    expect(await isBlocked(address, t + NOT_BLOCKED_TRUST_MS)).toBe(true);
  });

  it("a block made in this isolate holds at once, whatever it trusted before", async () => {
    const address = "192.0.2.42";
    const t = Date.now();
    expect(await isBlocked(address, t)).toBe(false);
    await block(address, 60, t);
    expect(await isBlocked(address, t + 1)).toBe(true);
    await cache().delete(blockCacheKey(address));
    // Its own memory holds the block for the period, the Cache API aside.
    expect(await isBlocked(address, t + 59_000)).toBe(true);
    expect(await isBlocked(address, t + 60_001)).toBe(false);
  });
});
