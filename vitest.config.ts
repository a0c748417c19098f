import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Two projects: "workers" runs in workerd with real D1 and Queues (the Worker under test),
// "node" runs Node-side checks (jsforce against the fake org, the page build, real Chromium).
export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    test: {
      projects: [
        {
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
                },
              },
            })),
          ],
          test: {
            name: "workers",
            // One fake org serves every file; files take turns so one file's reset never hits another's sync.
            fileParallelism: false,
            include: ["worker/**/*.test.ts", "test/workers/**/*.test.ts"],
            setupFiles: ["./test/workers/apply-migrations.ts"],
            globalSetup: ["./test/global-setup.ts"],
            testTimeout: 120_000,
            hookTimeout: 120_000,
          },
        },
        {
          test: {
            name: "node",
            environment: "node",
            include: ["test/node/**/*.test.ts"],
            globalSetup: ["./test/global-setup.ts"],
            testTimeout: 180_000,
            hookTimeout: 180_000,
          },
        },
      ],
    },
  };
});
