// `npm start`: the app on http://localhost:8787 with the fake Salesforce org beside it, a demo
// workspace connected to it, a first sync under way, and a sign-in link printed.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { api, connect, createDemoWorkspace, type Stack, signInLink, startStack } from "./stack.ts";

const APP_PORT = 8787;
const FAKE_PORT = 8788;
const CRON_MS = 60_000;
const DEMO_FILE = ".wrangler/demo.json";

function buildPage() {
  const res = spawnSync("npx", ["vite", "build", "--config", "web/vite.config.ts", "--logLevel", "warn"], {
    stdio: "inherit",
  });
  if (res.status !== 0) throw new Error("building the page failed");
}

/** The demo workspace is kept across restarts (its key in .wrangler/demo.json); the fake org is new each time. */
async function demoWorkspace(stack: Stack): Promise<string> {
  if (existsSync(DEMO_FILE)) {
    const saved = JSON.parse(readFileSync(DEMO_FILE, "utf8")) as { apiKey: string };
    const ok = await fetch(`${stack.appUrl}/api/v1/settings`, { headers: { authorization: `Bearer ${saved.apiKey}` } });
    if (ok.status === 200) return saved.apiKey;
  }
  const created = await createDemoWorkspace(stack);
  writeFileSync(DEMO_FILE, JSON.stringify(created, null, 2));
  return created.apiKey;
}

function stopOnSignals(stack: Stack) {
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await stack.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  void stack.exited.then(async (code) => {
    if (stopping) return;
    console.error(`wrangler dev exited (${code})`);
    await stack.stop();
    process.exit(code ?? 1);
  });
}

async function main() {
  console.log("Building the page…");
  buildPage();
  // No persistDir: the demo keeps its D1 state in .wrangler/state and its secrets in .dev.vars.
  // PUBLIC_URL is http://localhost:8787: the launch link, the page and the OAuth callback share that origin.
  const stack = await startStack({
    appPort: APP_PORT,
    fakePort: FAKE_PORT,
    output: "inherit",
    publicHost: "localhost",
  });
  console.log(`Fake Salesforce org on ${stack.fakeUrl}`);
  stopOnSignals(stack);

  const apiKey = await demoWorkspace(stack);
  await connect(stack, apiKey);
  await api(stack, "/api/v1/settings", apiKey, {
    method: "PATCH",
    body: JSON.stringify({
      objects: { Conversion_Event__c: { enabled: true } },
      syncRules: ["Lead", "Contact", "Account"].map((object) => ({ object, field: "Do_Not_Sync__c", equals: true })),
    }),
  });
  await api(stack, "/api/v1/sync/inbound", apiKey, { method: "POST" });
  // Local workerd does not fire cron triggers on its own: tick it like Cloudflare would.
  setInterval(() => void fetch(`${stack.appUrl}/__scheduled?cron=*+*+*+*+*`).catch(() => undefined), CRON_MS);

  const url = await signInLink(stack, apiKey);
  console.log(`\n  Conversion ↔ Salesforce sync is running on http://localhost:${APP_PORT}\n`);
  console.log(`  Sign in to the demo workspace (one-time link, valid 5 minutes):\n  ${url}\n`);
  console.log(`  API key of the demo workspace (for curl): ${apiKey}\n  Admin token: in .dev.vars\n`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
