// The app under benchmark: the Worker bundled by wrangler (with the measuring wrapper of
// instrumented-entry.ts around it), run by Miniflare in workerd with local D1 (a temp persist dir,
// migrations applied) and the queue producers and consumers wrangler.toml configures, beside a bench
// helper Worker bound to the same D1 database (raw-limit writes and set-based seeding run inside
// workerd, not through Node's binding proxy), and the fake Salesforce org.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { type FakeOrg, startFakeOrg } from "../../test/fake-salesforce/server.ts";
import { freePort } from "../stack.ts";
import { cpuSeconds, workerdPids } from "./proc.ts";

export const ROOT = resolve(decodeURIComponent(new URL("../..", import.meta.url).pathname));
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const WRANGLER_ENV = { WRANGLER_HIDE_BANNER: "true", WRANGLER_SEND_METRICS: "false", CI: "true" };
export const ADMIN_TOKEN = "bench-admin-token";
const D1_ID = "00000000-0000-0000-0000-000000000000";

export interface App {
  url: string;
  fake: FakeOrg;
  mf: Miniflare;
  db: D1Database;
  /** The workerd process running the app, its D1 and its queues. */
  workerdPid: number;
  /** The fake org's own workerd: not counted as the app's CPU. */
  fakePid: number;
  inspectorPort: number;
  persistDir: string;
  stop(): Promise<void>;
}

/** A bundle, the migrations its database gets (a baseline's own), and the wrangler.toml it runs with. */
interface Built {
  script: string;
  migrations: string;
  /** A revision's own queues, consumers and vars, so a baseline runs as it was configured. */
  config: string;
}
const bundles = new Map<string, Built>();
const bundleDirs: string[] = [];
process.once("exit", () => {
  for (const dir of bundleDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * wrangler's own bundle of the Worker (deploy --dry-run), its entry wrapped by instrumented-entry.ts.
 * With `rev`, worker/ as it was at that revision is bundled instead (a baseline, measured side by side).
 */
export function bundleWorker(rev?: string, entryFile = "instrumented-entry.ts"): Built {
  const key = `${rev ?? ""}|${entryFile}`;
  const cached = bundles.get(key);
  if (cached) return cached;
  const base = mkdtempSync(join(tmpdir(), "conversion-bench-bundle-"));
  bundleDirs.push(base);
  let entry = join(ROOT, "scripts/bench", entryFile);
  let config = join(ROOT, "wrangler.toml");
  if (rev) {
    // A shadow tree: worker/ as it was at `rev`, the entry beside it, node_modules shared.
    const tree = join(base, "src");
    mkdirSync(join(tree, "scripts/bench"), { recursive: true });
    const archive = spawnSync(
      "sh",
      [
        "-c",
        `git -C "${ROOT}" archive "${rev}" worker migrations vitest.config.ts wrangler.toml | tar -x -C "${tree}"`,
      ],
      { encoding: "utf8" },
    );
    if (archive.status !== 0) throw new Error(`git archive ${rev} failed:\n${archive.stderr}`);
    for (const file of new Set(["instrumented-entry.ts", entryFile]))
      cpSync(join(ROOT, "scripts/bench", file), join(tree, "scripts/bench", file));
    symlinkSync(join(ROOT, "node_modules"), join(tree, "node_modules"));
    entry = join(tree, "scripts/bench", entryFile);
    // The tree's wrangler.toml names web/dist beside it.
    mkdirSync(join(tree, "web"), { recursive: true });
    symlinkSync(join(ROOT, "web/dist"), join(tree, "web/dist"));
    config = join(tree, "wrangler.toml");
  }
  const outDir = join(base, "out");
  const res = spawnSync(
    process.execPath,
    [WRANGLER, "deploy", "--dry-run", "--outdir", outDir, "--config", config, entry],
    {
      cwd: ROOT,
      env: { ...process.env, ...WRANGLER_ENV },
      encoding: "utf8",
    },
  );
  if (res.status !== 0) throw new Error(`wrangler bundle failed:\n${res.stdout}${res.stderr}`);
  const file = readdirSync(outDir).find((f) => f.endsWith(".js"));
  if (!file) throw new Error(`no bundle in ${outDir}`);
  const built = { script: join(outDir, file), migrations: join(entry, "../../../migrations"), config };
  bundles.set(key, built);
  return built;
}

let helperScript: string | null = null;
async function bundleHelper(): Promise<string> {
  helperScript ??= (
    await build({
      entryPoints: [join(ROOT, "scripts/bench/helper-worker.ts")],
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      write: false,
      logLevel: "silent",
    })
  ).outputFiles[0]!.text;
  return helperScript;
}

function migrationStatements(dir: string): string[] {
  return (
    readdirSync(dir)
      .filter((f) => f.endsWith(".sql"))
      .sort()
      .flatMap((f) => readFileSync(join(dir, f), "utf8").split("--> statement-breakpoint"))
      .flatMap((chunk) => chunk.split(/;\s*(?=\S)/))
      .map((s) => s.trim().replace(/;$/, ""))
      // A chunk that is only `--` comments is no statement (D1 refuses it).
      .filter((s) => s.split("\n").some((line) => line.trim() && !line.trim().startsWith("--")))
  );
}

export interface AppOptions {
  fakeCounts?: Record<string, number>;
  /** A git revision whose worker/ and migrations are bundled instead of the working tree's (a baseline). */
  rev?: string;
  /** Worker variables set over wrangler.toml's (e.g. INBOUND_BULK_THRESHOLD). */
  vars?: Record<string, string>;
  /** The Worker's entry in scripts/bench (instrumented-entry.ts unless said; write-cost.ts uses floor-entry.ts). */
  entry?: string;
  /** Queues whose consumer is left out (their messages wait): write-cost.ts measures a write without its push. */
  withoutConsumers?: string[];
}

export async function startApp(opts: AppOptions = {}): Promise<App> {
  const work = mkdtempSync(join(tmpdir(), "conversion-bench-"));
  const built = bundleWorker(opts.rev, opts.entry);
  const script = built.script;
  const before = new Set(workerdPids());
  const fake = await startFakeOrg({ port: 0, counts: opts.fakeCounts });
  const fakePid = workerdPids().find((p) => !before.has(p)) ?? -1;
  before.add(fakePid);

  const { workerOptions: fromConfig } = unstable_getMiniflareWorkerOptions(built.config);
  // One bundled file: no module rules needed (and Miniflare 5's converter refuses them).
  const { modulesRules: _rules, ...workerOptions } = fromConfig as Record<string, unknown>;
  if (opts.withoutConsumers?.length) {
    const consumers = workerOptions.queueConsumers as Record<string, unknown>;
    workerOptions.queueConsumers = Object.fromEntries(
      Object.entries(consumers).filter(([queue]) => !opts.withoutConsumers!.includes(queue)),
    );
  }
  const inspectorPort = await freePort();
  // PUBLIC_URL must be known before the Worker starts: launch links and the OAuth redirect name it.
  const appPort = await freePort();
  const bindings = {
    ...(workerOptions.bindings as Record<string, string>),
    SALESFORCE_LOGIN_URL: fake.url,
    SALESFORCE_CLIENT_SECRET: "fake-org-secret",
    ADMIN_TOKEN,
    PUBLIC_URL: `http://127.0.0.1:${appPort}`,
    TOKEN_ENCRYPTION_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    SESSION_SECRET: "bench-session-secret",
    QUEUE_RETRY_BASE_SECONDS: "0",
    // Every workspace on the first shard (docs/shards.md): the bench migrates, seeds and counts that database.
    WORKSPACE_SHARDS: "DB",
    ...(opts.vars ?? {}),
  };
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: appPort,
      inspectorPort,
      resourcePersistencePath: work,
      log: undefined,
      workers: [
        {
          ...workerOptions,
          name: "app",
          rootPath: join(script, ".."),
          script: readFileSync(script, "utf8"),
          modules: true,
          bindings,
          // The cron is ticked by hand (as `npm start` does), never by the clock.
          cronTriggers: [],
          unsafeInspectorProxy: true,
        },
        {
          name: "bench-helper",
          modules: true,
          script: await bundleHelper(),
          compatibilityDate: workerOptions.compatibilityDate as string,
          d1Databases: { DB: D1_ID },
        },
      ],
    } as never),
  );
  const ready = await mf.ready;
  const workerdPid = workerdPids().find((p) => !before.has(p)) ?? -1;
  const db = (await mf.getD1Database("DB", "app")) as unknown as D1Database;
  // Migrations as `wrangler d1 migrations apply --local` runs them: each file's statements in order.
  for (const statement of migrationStatements(built.migrations)) await db.prepare(statement).run();

  return {
    url: ready.origin,
    fake,
    mf,
    db: patientReads(db),
    workerdPid,
    fakePid,
    inspectorPort,
    persistDir: work,
    async stop() {
      await mf.dispose().catch(() => undefined);
      await fake.stop().catch(() => undefined);
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** CPU seconds of the app's workerd (its Worker, D1 and queues all run in it). */
export function appCpu(app: App): number {
  return cpuSeconds(app.workerdPid);
}

const HELPER_READS = new Set(["/export", "/explain", "/indexes", "/ping"]);

/** A call to the bench helper Worker (same D1 database as the app). */
export async function helper<T = unknown>(app: App, path: string, body?: unknown): Promise<T> {
  const call = async () => {
    const worker = (await app.mf.getWorker("bench-helper")) as unknown as {
      fetch(url: string, init: unknown): Promise<Response>;
    };
    return worker.fetch(`http://helper${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    } as never);
  };
  // Reads are asked again when Miniflare's proxy resets the socket under load; writes are not.
  let res: Response;
  for (let attempt = 1; ; attempt++) {
    try {
      res = await call();
      break;
    } catch (err) {
      if (attempt >= 5 || !(err instanceof TypeError) || !HELPER_READS.has(path)) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  const text = await res.text();
  if (res.status >= 400) throw new Error(`helper ${path} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/**
 * D1 reads asked again (up to 5 times) when Miniflare's proxy resets the socket under them (ECONNRESET,
 * "fetch failed", seen under load): the bench's own reads change nothing, so asking again is harmless.
 * A statement is prepared and bound again on each attempt (preparing goes through the proxy too).
 * Writes (`run`, `batch`, `exec`) are not retried.
 */
function patientReads(db: D1Database): D1Database {
  const retry = async <T>(read: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (err) {
        if (attempt >= 5 || !(err instanceof TypeError)) throw err;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  };
  const statement = (sql: string, values: unknown[] | null): D1PreparedStatement => {
    const real = () => {
      const s = db.prepare(sql);
      return values ? s.bind(...values) : s;
    };
    return new Proxy({} as D1PreparedStatement, {
      get(_target, prop) {
        if (prop === "bind") return (...v: unknown[]) => statement(sql, v);
        if (prop === "unwrap") return real;
        if (prop === "first" || prop === "all" || prop === "raw")
          return (...args: unknown[]) =>
            retry(() => {
              const s = real();
              return (s[prop] as (...a: unknown[]) => Promise<unknown>).apply(s, args);
            });
        const s = real();
        const value = Reflect.get(s, prop);
        return typeof value === "function" ? value.bind(s) : value;
      },
    });
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => statement(sql, null);
      if (prop === "batch")
        // The statements this proxy made are unwrapped into the binding's own.
        return (stmts: D1PreparedStatement[]) =>
          target.batch(stmts.map((x) => (x as unknown as { unwrap?: () => D1PreparedStatement }).unwrap?.() ?? x));
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
