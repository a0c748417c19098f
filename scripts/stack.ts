// The whole local stack in one call: the fake Salesforce org, D1 migrations and `wrangler dev` serving
// the Worker and the built page. Used by `npm start` and by the browser tests. Loaded by plain Node
// (types are stripped), so this file keeps to erasable TypeScript syntax.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { type FakeOrg, startFakeOrg } from "../test/fake-salesforce/server.ts";
import { migrateAll } from "./db-migrate.ts";

export interface StackOptions {
  /** 0 (the default) picks a free port. */
  appPort?: number;
  fakePort?: number;
  /** A fresh directory for D1 and the vars file; without it the repo's .wrangler/state and .dev.vars are used. */
  persistDir?: string;
  /** Live rows per fake Salesforce object, merged over the fake's defaults. */
  fakeCounts?: Record<string, number>;
  /** TZ of the Worker's process, to show that what the page shows does not depend on the server's zone. */
  tz?: string;
  /** Extra Worker vars, e.g. QUEUE_RETRY_BASE_SECONDS. */
  vars?: Record<string, string>;
  /** "inherit" prints wrangler's output; "quiet" (default) writes it to wrangler.log beside the state. */
  output?: "inherit" | "quiet";
  /** The host name of PUBLIC_URL (launch links, the OAuth redirect): 127.0.0.1 (default) or localhost. */
  publicHost?: "127.0.0.1" | "localhost";
}

export interface Stack {
  appUrl: string;
  /** PUBLIC_URL: where a browser opens the app (launch links point here). */
  publicUrl: string;
  fakeUrl: string;
  adminToken: string;
  /** Where wrangler's output went when quiet. */
  logFile: string | null;
  /** Resolves with wrangler's exit code when it stops on its own or is stopped. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const ROOT = resolve(decodeURIComponent(new URL("..", import.meta.url).pathname));
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
// No banner means no npm update check, and no metrics: the stack talks to 127.0.0.1 only.
const WRANGLER_ENV = { WRANGLER_HIDE_BANNER: "true", WRANGLER_SEND_METRICS: "false" };
const READY_TIMEOUT_MS = 90_000;

/** A port nobody listens on right now (the OS picks it), for the app or the inspector. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

/** A TOKEN_ENCRYPTION_KEY the Worker accepts: 32 bytes in base64 (an older .dev.vars may hold another kind). */
function isTokenKey(value: string | undefined): value is string {
  return !!value && /^[A-Za-z0-9+/]{43}=$/.test(value) && Buffer.from(value, "base64").length === 32;
}

function secrets(org: FakeOrg, publicUrl: string, previous: string) {
  // Secrets already in .dev.vars are kept, so the demo workspace's encrypted tokens and sessions stay readable.
  const kept = (name: string) => previous.match(new RegExp(`^${name}=(.*)$`, "m"))?.[1];
  const keep = (name: string, fresh: string) => kept(name) ?? fresh;
  const key = kept("TOKEN_ENCRYPTION_KEY");
  return {
    PUBLIC_URL: publicUrl,
    SALESFORCE_LOGIN_URL: org.url,
    // The same fake org answers as the sandbox login host, and its own address passes as a My Domain.
    SALESFORCE_SANDBOX_LOGIN_URL: org.aliases[0] ?? org.url,
    SALESFORCE_EXTRA_LOGIN_ORIGINS: org.url,
    SALESFORCE_CLIENT_SECRET: "fake-org-secret",
    ADMIN_TOKEN: keep("ADMIN_TOKEN", randomBytes(24).toString("base64url")),
    TOKEN_ENCRYPTION_KEY: isTokenKey(key) ? key : randomBytes(32).toString("base64"),
    SESSION_SECRET: keep("SESSION_SECRET", randomBytes(32).toString("base64url")),
  };
}

/** Writes the Worker's vars and secrets: into the temp dir for tests (passed with --env-file), else into .dev.vars. */
function writeVars(org: FakeOrg, publicUrl: string, persistDir: string | undefined, extra: Record<string, string>) {
  const file = persistDir ? join(persistDir, "worker.env") : join(ROOT, ".dev.vars");
  const previous = !persistDir && existsSync(file) ? readFileSync(file, "utf8") : "";
  const vars: Record<string, string> = { ...secrets(org, publicUrl, previous), ...extra };
  writeFileSync(
    file,
    Object.entries(vars)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n") + "\n",
  );
  return { vars, envFileArgs: persistDir ? ["--env-file", file] : [] };
}

function persistArgs(persistDir: string | undefined) {
  return persistDir ? ["--persist-to", persistDir] : [];
}

/** Every D1 database of wrangler.toml (the directory and each shard), as `npm run db:migrate` does it. */
function applyMigrations(persistDir: string | undefined, quiet: boolean) {
  migrateAll(["--local", ...persistArgs(persistDir)], { quiet, env: WRANGLER_ENV });
}

// Migrated empty databases, one per version of migrations/ and wrangler.toml: a stack in a fresh
// directory copies one instead of starting wrangler to apply every migration (seconds to a minute
// on a loaded machine, once per browser test file).
const TEMPLATES = join(ROOT, ".wrangler", "d1-templates");

function migrationsKey(): string {
  const hash = createHash("sha256").update(readFileSync(join(ROOT, "wrangler.toml")));
  const dir = join(ROOT, "migrations");
  for (const f of readdirSync(dir).sort()) if (f.endsWith(".sql")) hash.update(f).update(readFileSync(join(dir, f)));
  return hash.digest("hex").slice(0, 16);
}

/**
 * The directory of this version's migrated, empty local D1 databases (every one wrangler.toml binds);
 * the first caller makes it with `npm run db:migrate`'s own code.
 */
export function migratedTemplate(quiet = true): string {
  const template = join(TEMPLATES, migrationsKey());
  if (!existsSync(template)) {
    mkdirSync(TEMPLATES, { recursive: true });
    const scratch = mkdtempSync(join(TEMPLATES, "tmp-"));
    try {
      applyMigrations(scratch, quiet);
      // Another stack may have made it meanwhile: the first rename wins, the rest are the same.
      renameSync(scratch, template);
    } catch (err) {
      rmSync(scratch, { recursive: true, force: true });
      if (!existsSync(template)) throw err;
    }
  }
  return template;
}

/** Copies a migrated, empty local D1 into persistDir; the first stack of a version makes it. */
function migrateFresh(persistDir: string, quiet: boolean) {
  cpSync(join(migratedTemplate(quiet), "v3"), join(persistDir, "v3"), { recursive: true });
}

/** Kills wrangler with everything it started (workerd, esbuild): they share its process group. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function waitUntilServing(url: string, exited: Promise<number | null>, logFile: string | null) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let gone = false;
  void exited.then(() => (gone = true));
  while (Date.now() < deadline && !gone) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const log = logFile && existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-3000) : "";
  throw new Error(`wrangler dev ${gone ? "exited" : "did not answer"} before ${url} was up${log ? `:\n${log}` : ""}`);
}

function startWrangler(args: string[], opts: { tz?: string; logFile: string | null }) {
  const env = { ...process.env, ...WRANGLER_ENV, ...(opts.tz ? { TZ: opts.tz } : {}) };
  // Its own process group, so stop() reaches the workerd grandchildren too.
  const child = spawn(process.execPath, [WRANGLER, ...args], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", opts.logFile ? "pipe" : "inherit", opts.logFile ? "pipe" : "inherit"],
  });
  if (opts.logFile) {
    const log = createWriteStream(opts.logFile);
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  // A test run that dies must not leave a Worker listening.
  const onExit = () => killGroup(child, "SIGKILL");
  process.once("exit", onExit);
  void exited.then(() => process.off("exit", onExit));
  return { child, exited };
}

/** Starts the fake org and the app; resolves once the app answers. Builds nothing: web/dist must exist. */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const quiet = (opts.output ?? "quiet") === "quiet";
  if (opts.persistDir) mkdirSync(opts.persistDir, { recursive: true });
  const org: FakeOrg = await startFakeOrg({ port: opts.fakePort ?? 0, counts: opts.fakeCounts, aliases: 1 });
  try {
    const appPort = opts.appPort || (await freePort());
    const publicUrl = `http://${opts.publicHost ?? "127.0.0.1"}:${appPort}`;
    const { vars, envFileArgs } = writeVars(org, publicUrl, opts.persistDir, opts.vars ?? {});
    if (opts.persistDir && !existsSync(join(opts.persistDir, "v3"))) migrateFresh(opts.persistDir, quiet);
    else applyMigrations(opts.persistDir, quiet);
    const inspectorPort = await freePort();
    const logDir = opts.persistDir ?? join(ROOT, ".wrangler");
    if (quiet) mkdirSync(logDir, { recursive: true });
    const logFile = quiet ? join(logDir, "wrangler.log") : null;
    const { child, exited } = startWrangler(
      [
        "dev",
        "--port",
        String(appPort),
        "--ip",
        "127.0.0.1",
        "--inspector-port",
        String(inspectorPort),
        ...persistArgs(opts.persistDir),
        ...envFileArgs,
        "--test-scheduled",
        "--show-interactive-dev-session=false",
      ],
      { tz: opts.tz, logFile },
    );
    const appUrl = `http://127.0.0.1:${appPort}`;
    let stopping: Promise<void> | null = null;
    // Idempotent: a signal handler and wrangler's own exit may both ask.
    const stop = () =>
      (stopping ??= (async () => {
        killGroup(child, "SIGTERM");
        const forced = setTimeout(() => killGroup(child, "SIGKILL"), 5000);
        await exited;
        clearTimeout(forced);
        await org.stop();
      })());
    try {
      await waitUntilServing(`${appUrl}/api/v1/openapi.json`, exited, logFile);
    } catch (err) {
      await stop();
      throw err;
    }
    return { appUrl, publicUrl, fakeUrl: org.url, adminToken: vars.ADMIN_TOKEN, logFile, exited, stop };
  } catch (err) {
    await org.stop().catch(() => undefined);
    throw err;
  }
}

type StackRef = Pick<Stack, "appUrl" | "adminToken">;

/** A JSON call to the app with a bearer token; throws with the answer's body on 4xx/5xx. */
export async function api<T = any>(stack: StackRef, path: string, token: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${stack.appUrl}${path}`, {
    ...init,
    redirect: "manual",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers ?? {}) },
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${init.method ?? "GET"} ${path} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export async function createDemoWorkspace(
  stack: StackRef,
  name = "Demo workspace",
): Promise<{ apiKey: string; workspaceId: string }> {
  const created = await api<{ apiKey: string; workspace: { id: string } }>(
    stack,
    "/api/v1/admin/workspaces",
    stack.adminToken,
    {
      method: "POST",
      body: JSON.stringify({ name }),
    },
  );
  return { apiKey: created.apiKey, workspaceId: created.workspace.id };
}

/** A page session as a browser gets it: the cookie, and the CSRF token its mutations send. */
export interface PageSession {
  cookie: string;
  csrfToken: string;
}

/**
 * Opens a launch link as the page does: the token from the link's fragment, exchanged with a POST
 * from the link's own origin. (A link of an older build, `/launch?token=`, is opened with a GET, so
 * the bench can still drive a baseline revision.) `appUrl` is where to send the requests.
 */
export async function openPageSession(appUrl: string, link: string): Promise<PageSession> {
  const url = new URL(link);
  const token = new URLSearchParams(url.hash.slice(1)).get("token");
  const launched = token
    ? await fetch(`${appUrl}/api/v1/session/launch`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: url.origin },
        body: JSON.stringify({ token }),
      })
    : await fetch(`${appUrl}${url.pathname}${url.search}`, { redirect: "manual" });
  await launched.body?.cancel();
  const cookie = (launched.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  if (!cookie.startsWith("cv_session="))
    throw new Error(`the launch link answered ${launched.status} without a session cookie`);
  const me = await fetch(`${appUrl}/api/v1/session`, { headers: { cookie } });
  const { csrfToken } = (await me.json()) as { csrfToken: string };
  return { cookie, csrfToken };
}

/**
 * Connects through the real OAuth flow as the admin does it: the page session opened from a launch
 * link, its Connect (authorize with the cookie and CSRF token), the fake org's redirect, our callback
 * in the same session.
 */
export async function connectPage(
  appUrl: string,
  link: string,
  choice: { environment?: "production" | "sandbox" | "custom"; myDomain?: string } = {},
): Promise<PageSession> {
  const page = await openPageSession(appUrl, link);
  const started = await fetch(`${appUrl}/api/v1/connection/authorize`, {
    method: "POST",
    headers: { cookie: page.cookie, "x-csrf-token": page.csrfToken, "content-type": "application/json" },
    body: JSON.stringify(choice),
  });
  if (started.status !== 200) throw new Error(`authorize answered ${started.status}: ${await started.text()}`);
  const { url } = (await started.json()) as { url: string };
  const approved = await fetch(url, { redirect: "manual" });
  await approved.body?.cancel();
  const callback = new URL(approved.headers.get("location") ?? "");
  const done = await fetch(`${appUrl}${callback.pathname}${callback.search}`, {
    redirect: "manual",
    headers: { cookie: page.cookie },
  });
  if (done.status !== 302) throw new Error(`OAuth callback answered ${done.status}: ${await done.text()}`);
  return page;
}

/** Connects the workspace to the stack's fake org (see connectPage). */
export async function connect(stack: StackRef, apiKey: string): Promise<void> {
  await connectPage(stack.appUrl, await signInLink(stack, apiKey));
}

/** A one-time launch link that opens the page signed in to the workspace. */
export async function signInLink(stack: StackRef, apiKey: string): Promise<string> {
  const { url } = await api<{ url: string }>(stack, "/api/v1/sessions", apiKey, { method: "POST" });
  return url;
}
