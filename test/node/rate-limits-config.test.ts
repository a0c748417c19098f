import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { LIMITS } from "../../worker/rate-limits/limits";

// The limits' numbers live in wrangler.toml; the code knows them by binding name, and their period by
// RATE_LIMIT_PERIOD_SECONDS (the binding cannot say it, and a 429's Retry-After needs it).
const config = unstable_readConfig({ config: new URL("../../wrangler.toml", import.meta.url).pathname });
const ratelimits: { name: string; namespace_id: string; simple: { limit: number; period: number } }[] =
  config.ratelimits;

describe("wrangler.toml's [[ratelimits]]", () => {
  it("has a binding for every limit the code counts, each with its own namespace", () => {
    const bindings = ratelimits.map((r) => r.name).sort();
    expect(bindings).toEqual(
      Object.values(LIMITS)
        .map((l) => l.binding)
        .sort(),
    );
    const namespaces = ratelimits.map((r) => r.namespace_id);
    expect(new Set(namespaces).size).toBe(namespaces.length);
  });

  it("uses the period RATE_LIMIT_PERIOD_SECONDS says, one Cloudflare accepts", () => {
    const period = Number(config.vars.RATE_LIMIT_PERIOD_SECONDS);
    expect([10, 60]).toContain(period);
    for (const r of ratelimits) expect(r.simple.period, r.name).toBe(period);
  });
});
