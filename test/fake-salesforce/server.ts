// Node-side launcher for the fake org: bundles the Worker with esbuild and runs it in Miniflare on
// 127.0.0.1. Loaded by vitest's globalSetup and by plain Node scripts (Node strips the types), so
// this file keeps to erasable TypeScript syntax.
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
}

export interface FakeOrg {
  url: string;
  stop(): Promise<void>;
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
  return {
    url,
    async stop() {
      await mf.dispose();
    },
  };
}
