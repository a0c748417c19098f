/**
 * Addresses that went over the failed-authentication limit, remembered until the limit's period ends,
 * so their next requests are refused before any credential is checked: past the limit a right guess
 * is refused like a wrong one. The Rate Limiting binding can only count (it has no "is this key over?"),
 * so the block is kept beside it, in the same scope as its counts (one Cloudflare location): the Cache
 * API, shared by the location's isolates, and this isolate's memory, which also covers a deployment
 * where the Cache API does nothing (a *.workers.dev host).
 */

const MAX_REMEMBERED = 10_000;
const blockedUntil = new Map<string, number>();

const cacheKey = (address: string) => `https://failed-auth.rate-limits.invalid/${encodeURIComponent(address)}`;

function cache(): Cache | null {
  return typeof caches === "undefined" ? null : (caches as unknown as { default: Cache }).default;
}

/** Blocks `address` for `seconds`. */
export async function block(address: string, seconds: number, now = Date.now()): Promise<void> {
  if (blockedUntil.size >= MAX_REMEMBERED) blockedUntil.delete(blockedUntil.keys().next().value!);
  blockedUntil.set(address, now + seconds * 1000);
  const response = new Response(null, { headers: { "cache-control": `max-age=${seconds}` } });
  await cache()
    ?.put(cacheKey(address), response)
    .catch((err) => console.error("failed-auth block not cached", err instanceof Error ? err.message : String(err)));
}

/** Whether `address` is blocked now. */
export async function isBlocked(address: string, now = Date.now()): Promise<boolean> {
  const until = blockedUntil.get(address);
  if (until !== undefined) {
    if (until > now) return true;
    blockedUntil.delete(address);
  }
  const cached = await cache()
    ?.match(cacheKey(address))
    .catch(() => undefined);
  return cached !== undefined;
}
