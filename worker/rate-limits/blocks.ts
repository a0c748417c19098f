/**
 * Addresses that went over the failed-authentication limit, remembered until the limit's period ends,
 * so their next requests are refused before any credential is checked: past the limit a right guess
 * is refused like a wrong one. The Rate Limiting binding can only count (it has no "is this key over?"),
 * so the block is kept beside it, in the same scope as its counts (one Cloudflare location): the Cache
 * API, shared by the location's isolates, and this isolate's memory, which also covers a deployment
 * where the Cache API does nothing (a *.workers.dev host).
 *
 * An isolate trusts a lookup that found no block for NOT_BLOCKED_TRUST_MS: a service writing in bursts
 * sends hundreds of requests a second from one address, and each would otherwise cost a Cache API lookup
 * (in the local stack, an eighth of a write's time). What that trust can let through is small: an
 * address blocked by another isolate within that second gets at most its requests until its first
 * failure here, which is over the limit too and blocks it in this isolate at once. A right guess among
 * those few is answered as a right guess; the limit still counts every wrong one. A lookup that fails
 * (the Cache API unwell) counts as "not blocked" for that second too: the limiter keeps counting.
 */

const MAX_REMEMBERED = 10_000;
export const NOT_BLOCKED_TRUST_MS = 1_000;
const blockedUntil = new Map<string, number>();
const notBlockedUntil = new Map<string, number>();

/** Oldest first out: a Map iterates in insertion order. */
function remember(map: Map<string, number>, address: string, until: number): void {
  map.delete(address);
  if (map.size >= MAX_REMEMBERED) map.delete(map.keys().next().value!);
  map.set(address, until);
}

export const blockCacheKey = (address: string) =>
  `https://failed-auth.rate-limits.invalid/${encodeURIComponent(address)}`;

function cache(): Cache | null {
  return typeof caches === "undefined" ? null : (caches as unknown as { default: Cache }).default;
}

/** Blocks `address` for `seconds`. */
export async function block(address: string, seconds: number, now = Date.now()): Promise<void> {
  remember(blockedUntil, address, now + seconds * 1000);
  const response = new Response(null, { headers: { "cache-control": `max-age=${seconds}` } });
  await cache()
    ?.put(blockCacheKey(address), response)
    .catch((err) => console.error("failed-auth block not cached", err instanceof Error ? err.message : String(err)));
}

/** Whether `address` is blocked now. */
export async function isBlocked(address: string, now = Date.now()): Promise<boolean> {
  const until = blockedUntil.get(address);
  if (until !== undefined) {
    if (until > now) return true;
    blockedUntil.delete(address);
  }
  if ((notBlockedUntil.get(address) ?? 0) > now) return false;
  const cached = await cache()
    ?.match(blockCacheKey(address))
    .catch(() => undefined);
  if (cached !== undefined) return true;
  remember(notBlockedUntil, address, now + NOT_BLOCKED_TRUST_MS);
  return false;
}
