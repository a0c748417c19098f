import { ApiError } from "../api/errors";
import { ConfigError } from "../config";

/**
 * The service's rate limits, each a Cloudflare Rate Limiting binding (`[[ratelimits]]` in wrangler.toml,
 * where each one's limit and period are set). `per` and `what` word the 429 and the OpenAPI document.
 */
export const LIMITS = {
  failed_auth: { binding: "FAILED_AUTH_LIMITER", what: "failed authentications", per: "client address" },
  launch_links: { binding: "LAUNCH_LINK_LIMITER", what: "sign-in links minted", per: "workspace" },
  sync_now: { binding: "SYNC_NOW_LIMITER", what: "Sync now requests", per: "workspace" },
  writes: { binding: "WRITE_LIMITER", what: "writes", per: "API key" },
} as const satisfies Record<string, { binding: keyof Env; what: string; per: string }>;

export type LimitName = keyof typeof LIMITS;

const PERIODS = [10, 60];

/** The bindings' period: Cloudflare takes 10 or 60 seconds; the var mirrors wrangler.toml's `period`. */
export function periodSeconds(env: Env): number {
  const period = Number(env.RATE_LIMIT_PERIOD_SECONDS ?? 60);
  if (!PERIODS.includes(period)) {
    throw new ApiError(
      500,
      "server_misconfigured",
      "RATE_LIMIT_PERIOD_SECONDS must be 10 or 60 (the [[ratelimits]] period)",
    );
  }
  return period;
}

/** One more for `key` on the named limit; throws a 429 `rate_limited` with `Retry-After` once it is over. */
export async function consume(env: Env, name: LimitName, key: string): Promise<void> {
  const { binding } = LIMITS[name];
  const limiter = env[binding] as RateLimit | undefined;
  if (typeof limiter?.limit !== "function") {
    throw new ConfigError(binding, `the Worker has no ${binding} binding; add it to [[ratelimits]] in wrangler.toml`);
  }
  periodSeconds(env);
  let allowed: boolean;
  try {
    allowed = (await limiter.limit({ key })).success;
  } catch (err) {
    // The limiter is a guard, not a dependency: if it cannot answer, the request goes on.
    console.error("rate limiter unavailable", binding, err instanceof Error ? err.message : String(err));
    return;
  }
  if (!allowed) throw limited(env, name);
}

/** The 429 `rate_limited` of the named limit, with `Retry-After`: its period, the longest a client waits. */
export function limited(env: Env, name: LimitName): ApiError {
  const { what, per } = LIMITS[name];
  const period = periodSeconds(env);
  return new ApiError(
    429,
    "rate_limited",
    `Too many ${what} for this ${per}; try again in ${period} seconds`,
    { limit: name, retryAfterSeconds: period },
    { "Retry-After": String(period) },
  );
}
