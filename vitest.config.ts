import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// wrangler.toml's [[ratelimits]] bindings (it has the production limits), by namespace_id.
const LIMITERS = {
  FAILED_AUTH_LIMITER: "1001",
  LAUNCH_LINK_LIMITER: "1002",
  SYNC_NOW_LIMITER: "1003",
  WRITE_LIMITER: "1004",
} as const;
type RateLimits = Record<string, { namespace_id: string; simple: { limit: number; period: 10 | 60 } }>;
/** Every rate-limit binding with the given limit (a number: the same for all) and period. */
const limits = (limit: number | Record<keyof typeof LIMITERS, number>, period: 10 | 60): RateLimits =>
  Object.fromEntries(
    Object.entries(LIMITERS).map(([name, namespace_id]) => [
      name,
      {
        namespace_id,
        simple: { limit: typeof limit === "number" ? limit : limit[name as keyof typeof LIMITERS], period },
      },
    ]),
  );

// Rate limits are per key (address, workspace, API key), and the sweeps send hundreds of failed logins
// and writes with one key: the suite runs with limits no test reaches, and the rate-limit tests run in
// a project of their own whose limits trip after a few requests and reset after 10 seconds.
const RATE_LIMIT_TESTS = "test/workers/**/*.limits.test.ts";
// Pure functions of the Worker (no binding, no request): tested in the node project's one process
// instead of paying a workerd start-up each (~3–4 s a file here).
const UNIT_TESTS = "worker/**/*.unit.test.ts";

// Three projects: "workers" and "limits" run in workerd with real D1 and Queues (the Worker under test),
// "node" runs Node-side checks (jsforce against the fake org, the page build, real Chromium).
export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  const workers = (
    name: string,
    include: string[],
    exclude: string[],
    ratelimits: RateLimits,
    vars: Record<string, string>,
    isolate = true,
  ) => ({
    plugins: [
      cloudflareTest(({ inject }) => ({
        main: "./worker/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            SALESFORCE_LOGIN_URL: inject("fakeOrgUrl"),
            // The same fake org on other ports: the sandbox login host, and a My Domain the
            // check for *.my.salesforce.com lets through by this configuration only.
            SALESFORCE_SANDBOX_LOGIN_URL: inject("fakeOrgAliases")[0]!,
            SALESFORCE_EXTRA_LOGIN_ORIGINS: inject("fakeOrgAliases")[1]!,
            PUBLIC_URL: "http://localhost",
            SALESFORCE_CLIENT_SECRET: "fake-org-secret",
            ADMIN_TOKEN: "test-admin-token",
            TOKEN_ENCRYPTION_KEY: "q5m0Y9l7Qv2v1eS3bE8u0m4x3n1R6d9C2w7T5y8K0pA=",
            SESSION_SECRET: "test-session-secret",
            QUEUE_RETRY_BASE_SECONDS: "0",
            TEST_MIGRATIONS: migrations,
            // Reads stay on REST unless a test asks for Bulk jobs (inbound-bulk.test.ts sets a threshold).
            INBOUND_BULK_THRESHOLD: "off",
            // One stream per read unless a test asks for parallel slices (inbound-parallel.test.ts).
            INBOUND_SLICE_CONCURRENCY: "1",
            // Two shards are bound (wrangler.toml) and migrated (apply-migrations.ts); the suite's workspaces
            // go to the first, whose database most test files read and seed directly as env.DB.
            // test/workers/shards.test.ts places workspaces on both and checks them there.
            WORKSPACE_SHARDS: "DB",
            ...vars,
          },
          ratelimits,
        },
      })),
    ],
    test: {
      name,
      // One fake org serves every file; files take turns so one file's reset never hits another's sync.
      fileParallelism: false,
      // Not isolated: the files run one after another in one workerd instead of starting one each
      // (~2 s a file here; 6 files: 145 s → 87 s, setup 52 s → 14 s). Each file still starts from an
      // empty database (apply-migrations.ts). Its own group, so vitest never mixes it with the node project.
      isolate,
      sequence: { groupOrder: isolate ? 0 : 1 },
      // A workerd loads the Worker's whole module graph over the module runner (once per file in an
      // isolated project), one module a round trip: bundling the dependencies (hono, zod, drizzle) into a few files cuts the
      // graph from 464 modules to 239 and each file's start-up by ~2 s (import 4.3 s → 2.2 s here).
      deps: {
        optimizer: {
          ssr: {
            enabled: true,
            include: [
              "hono",
              "hono/body-limit",
              "hono/cookie",
              "hono/http-exception",
              "hono/route",
              "hono/secure-headers",
              "zod",
              "@hono/zod-openapi",
              "drizzle-orm",
              "drizzle-orm/d1",
              "drizzle-orm/sqlite-core",
            ],
          },
        },
      },
      include,
      exclude,
      setupFiles: ["./test/workers/apply-migrations.ts"],
      globalSetup: ["./test/global-setup.ts"],
      testTimeout: 120_000,
      hookTimeout: 120_000,
    },
  });
  return {
    test: {
      projects: [
        workers(
          "workers",
          ["worker/**/*.test.ts", "test/workers/**/*.test.ts"],
          [RATE_LIMIT_TESTS, UNIT_TESTS],
          limits(1_000_000, 60),
          {},
          false,
        ),
        workers(
          "limits",
          [RATE_LIMIT_TESTS],
          [],
          limits({ FAILED_AUTH_LIMITER: 3, LAUNCH_LINK_LIMITER: 3, SYNC_NOW_LIMITER: 3, WRITE_LIMITER: 6 }, 10),
          { RATE_LIMIT_PERIOD_SECONDS: "10" },
        ),
        {
          test: {
            name: "node",
            environment: "node",
            // One process for every file: playwright, miniflare, esbuild and the fake org's bundle load
            // once, not per file (13 non-browser files: 172 s → 109 s here, imports 62 s → 17 s). Each
            // file starts and stops its own fake org, stack and Chromium, so nothing else is shared.
            isolate: false,
            include: ["test/node/**/*.test.ts", UNIT_TESTS],
            globalSetup: ["./test/global-setup.ts"],
            testTimeout: 180_000,
            hookTimeout: 180_000,
          },
        },
      ],
    },
  };
});
