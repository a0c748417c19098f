// `npm start`: the app on http://localhost:8787 with the fake Salesforce org beside it, a demo
// workspace connected to it, a first sync under way, and a sign-in link printed.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { startFakeOrg } from "../test/fake-salesforce/server.ts";

const APP = "http://127.0.0.1:8787";
const FAKE_PORT = 8788;
const CRON_MS = 60_000;

function run(cmd: string, args: string[]) {
  const res = spawnSync(cmd, args, { stdio: "inherit" });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed`);
}

function ensureDevVars(fakeUrl: string) {
  const previous = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
  const keep = (name: string, fresh: string) => previous.match(new RegExp(`^${name}=(.*)$`, "m"))?.[1] ?? fresh;
  const vars = {
    SALESFORCE_LOGIN_URL: fakeUrl,
    SALESFORCE_CLIENT_SECRET: "fake-org-secret",
    ADMIN_TOKEN: keep("ADMIN_TOKEN", randomBytes(24).toString("base64url")),
    TOKEN_ENCRYPTION_KEY: keep("TOKEN_ENCRYPTION_KEY", randomBytes(32).toString("base64")),
    SESSION_SECRET: keep("SESSION_SECRET", randomBytes(32).toString("base64url")),
  };
  writeFileSync(".dev.vars", Object.entries(vars).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
  return vars;
}

async function waitFor(url: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not come up in ${timeoutMs} ms`);
}

async function api(path: string, token: string, init: RequestInit = {}) {
  const res = await fetch(`${APP}${path}`, {
    ...init,
    redirect: "manual",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers ?? {}) },
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${init.method ?? "GET"} ${path} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** The demo workspace is kept across restarts (its key in .wrangler/demo.json); the fake org is new each time. */
async function demoWorkspace(adminToken: string): Promise<string> {
  const file = ".wrangler/demo.json";
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, "utf8")) as { apiKey: string };
    const ok = await fetch(`${APP}/api/v1/settings`, { headers: { authorization: `Bearer ${saved.apiKey}` } });
    if (ok.status === 200) return saved.apiKey;
  }
  const created = await api("/api/v1/admin/workspaces", adminToken, { method: "POST", body: JSON.stringify({ name: "Demo workspace" }) });
  writeFileSync(file, JSON.stringify({ apiKey: created.apiKey, workspaceId: created.workspace.id }, null, 2));
  return created.apiKey;
}

async function connect(apiKey: string) {
  const { url } = await api("/api/v1/connection/authorize", apiKey, { method: "POST" });
  const approved = await fetch(url, { redirect: "manual" });
  const callback = new URL(approved.headers.get("location") ?? "");
  const done = await fetch(`${APP}${callback.pathname}${callback.search}`, { redirect: "manual" });
  if (done.status !== 302) throw new Error(`OAuth callback answered ${done.status}: ${await done.text()}`);
}

async function main() {
  console.log("Building the page…");
  run("npx", ["vite", "build", "--config", "web/vite.config.ts", "--logLevel", "warn"]);
  const org = await startFakeOrg({ port: FAKE_PORT });
  console.log(`Fake Salesforce org on ${org.url}`);
  const vars = ensureDevVars(org.url);
  run("npx", ["wrangler", "d1", "migrations", "apply", "conversion-sync", "--local"]);

  const dev = spawn("npx", ["wrangler", "dev", "--port", "8787", "--ip", "127.0.0.1", "--test-scheduled", "--show-interactive-dev-session=false"], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  const stop = async () => {
    dev.kill("SIGINT");
    await org.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  dev.on("exit", (code) => {
    console.error(`wrangler dev exited (${code})`);
    void org.stop().then(() => process.exit(code ?? 1));
  });

  await waitFor(`${APP}/api/v1/openapi.json`);
  const apiKey = await demoWorkspace(vars.ADMIN_TOKEN);
  await connect(apiKey);
  await api("/api/v1/settings", apiKey, {
    method: "PATCH",
    body: JSON.stringify({
      objects: { Conversion_Event__c: { enabled: true } },
      syncRules: ["Lead", "Contact", "Account"].map((object) => ({ object, field: "Do_Not_Sync__c", equals: true })),
    }),
  });
  await api("/api/v1/sync/inbound", apiKey, { method: "POST" });
  // Local workerd does not fire cron triggers on its own: tick it like Cloudflare would.
  setInterval(() => void fetch(`${APP}/__scheduled?cron=*+*+*+*+*`).catch(() => undefined), CRON_MS);

  const { url } = await api("/api/v1/sessions", apiKey, { method: "POST" });
  console.log(`\n  Conversion ↔ Salesforce sync is running on http://localhost:8787\n`);
  console.log(`  Sign in to the demo workspace (one-time link, valid 5 minutes):\n  ${url.replace("127.0.0.1", "localhost")}\n`);
  console.log(`  API key of the demo workspace (for curl): ${apiKey}\n  Admin token: in .dev.vars\n`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
