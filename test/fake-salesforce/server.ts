// Node-side launcher for the fake org: bundles the Worker with esbuild and runs it in Miniflare on
// 127.0.0.1. Loaded by vitest's globalSetup and by plain Node scripts (Node strips the types), so
// this file keeps to erasable TypeScript syntax.
import { createServer, request as httpRequest, type Server } from "node:http";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";

export interface FakeOrgOptions {
  port?: number;
  seed?: number;
  counts?: Record<string, number>;
  defects?: boolean;
  dailyLimit?: number;
  accessTokenTtlSeconds?: number;
  clientId?: string;
  clientSecret?: string;
  /** Whether the org has Conversion's package field Conversion_Id__c (default true). */
  conversionIdField?: boolean;
  /**
   * Extra origins the same org answers on (other ports of 127.0.0.1), as one Salesforce org answers on
   * login.salesforce.com, test.salesforce.com and its My Domain. Requests keep their Host header, so
   * the org sees (and logs) which one was used, and names it as `instance_url`.
   */
  aliases?: number;
}

export interface FakeOrg {
  url: string;
  /** The extra origins (see FakeOrgOptions.aliases). */
  aliases: string[];
  stop(): Promise<void>;
}

/** A plain proxy on another port that forwards to the org, Host header and all. */
function startAlias(target: URL): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      done({ url: `http://127.0.0.1:${port}`, server });
    });
  });
}

let bundled: Promise<string> | null = null;

function bundle(): Promise<string> {
  bundled ??= build({
    entryPoints: [decodeURIComponent(new URL("./index.ts", import.meta.url).pathname)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    write: false,
    logLevel: "silent",
  }).then((r) => r.outputFiles[0].text);
  return bundled;
}

/** Starts a fake Salesforce org; resolves once it answers, with its origin (the real port when 0 was asked). */
export async function startFakeOrg(opts: FakeOrgOptions = {}): Promise<FakeOrg> {
  const bindings: Record<string, string> = {};
  if (opts.seed !== undefined) bindings.SEED = String(opts.seed);
  if (opts.counts) bindings.COUNTS = JSON.stringify(opts.counts);
  if (opts.defects !== undefined) bindings.DEFECTS = String(opts.defects);
  if (opts.dailyLimit !== undefined) bindings.DAILY_LIMIT = String(opts.dailyLimit);
  if (opts.accessTokenTtlSeconds !== undefined) bindings.ACCESS_TOKEN_TTL_SECONDS = String(opts.accessTokenTtlSeconds);
  if (opts.clientId) bindings.CLIENT_ID = opts.clientId;
  if (opts.clientSecret) bindings.CLIENT_SECRET = opts.clientSecret;
  if (opts.conversionIdField !== undefined) bindings.CONVERSION_ID_FIELD = String(opts.conversionIdField);
  // Miniflare 5 takes a new options shape; the v4 shape (a script plus bindings) converts to it.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: opts.port ?? 0,
      name: "fake-salesforce",
      modules: true,
      script: await bundle(),
      compatibilityDate: "2026-10-01",
      bindings,
    }),
  );
  const ready = await mf.ready;
  const url = ready.origin;
  // Build the org now, so the first real call does not pay for seeding.
  const res = await fetch(`${url}/__fake/stats`);
  await res.arrayBuffer();
  const aliases: { url: string; server: Server }[] = [];
  for (let i = 0; i < (opts.aliases ?? 0); i++) aliases.push(await startAlias(new URL(url)));
  return {
    url,
    aliases: aliases.map((a) => a.url),
    async stop() {
      for (const a of aliases) await new Promise((done) => a.server.close(() => done(undefined)));
      await mf.dispose();
    },
  };
}
