// Micro-benchmark of the inbound consumer's own JavaScript, in Node (same V8 as workerd): one
// 50,000-record batch of real fake-org Lead pages (the wire JSON the engine receives) → JSON.parse →
// preparePage (lookups answered empty, so every record is a create: the most expensive path) →
// pageWrites (entities, the run's page rows) → each statement's SQL and parameters built as commitBatch builds them. No D1,
// no network: what is left is the CPU time Cloudflare would bill the consumer for.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { startFakeOrg } from "../../test/fake-salesforce/server.ts";
import { ROOT } from "./app.ts";
import { median } from "./stats.ts";

type Micro = typeof import("./micro-entry.ts");

/** The engine bundled for Node: the working tree's, or with `rev` worker/ as it was at that revision (entry as now). */
async function loadEngine(rev?: string): Promise<Micro> {
  const dir = mkdtempSync(join(tmpdir(), "conversion-micro-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  let root = ROOT;
  if (rev) {
    root = join(dir, "src");
    mkdirSync(join(root, "scripts/bench"), { recursive: true });
    const archive = spawnSync("sh", ["-c", `git -C "${ROOT}" archive "${rev}" worker | tar -x -C "${root}"`], {
      encoding: "utf8",
    });
    if (archive.status !== 0) throw new Error(`git archive ${rev} failed:\n${archive.stderr}`);
    cpSync(join(ROOT, "scripts/bench/micro-entry.ts"), join(root, "scripts/bench/micro-entry.ts"));
    symlinkSync(join(ROOT, "node_modules"), join(root, "node_modules"));
  }
  const out = join(dir, `engine-${rev ?? "tree"}.mjs`);
  const res = await build({
    entryPoints: [join(root, "scripts/bench/micro-entry.ts")],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    write: false,
    logLevel: "silent",
  });
  writeFileSync(out, res.outputFiles[0]!.text);
  return (await import(out)) as Micro;
}

/** A D1 binding that answers every query with no rows: lookups find nothing, writes are never run. */
function emptyD1(seen: string[] = []) {
  const stmt = {
    bind: () => stmt,
    all: async () => ({ results: [], success: true, meta: {} }),
    raw: async () => [],
    first: async () => null,
    run: async () => ({ results: [], success: true, meta: {} }),
  };
  return {
    prepare: (sql: string) => {
      seen.push(sql);
      return stmt;
    },
    batch: async () => [],
    exec: async () => ({ count: 0, duration: 0 }),
  };
}

/**
 * The SQL the committed engine sends to look a page's Leads up in contacts (by Salesforce id or
 * email), captured from preparePage itself; its parameters are (workspace id, ids JSON, emails JSON).
 */
export async function committedLookupSql(): Promise<string> {
  const engine = await loadEngine();
  const seen: string[] = [];
  const db = engine.getDb({ DB: emptyD1(seen) as never });
  const settings = engine.defaultSettings();
  const spec = engine.objectSpec("Lead", settings.eventObject)!;
  const base = {
    workspaceId: "ws",
    runId: "run_micro",
    salesforceObject: "Lead",
    spec,
    settings,
    writeMode: "create_or_update" as const,
  };
  const stamp = "2026-01-15T10:20:30.000+0000";
  const lead = {
    attributes: { type: "Lead" },
    Id: "00Q000000000001AAA",
    Email: "ada@example.com",
    LastName: "Lovelace",
    Company: "Analytical",
    SystemModstamp: stamp,
    CreatedDate: stamp,
    LastModifiedDate: stamp,
    IsDeleted: false,
  };
  await engine.preparePage(db, base, [lead], 0, null);
  const sql = seen.find((q) => /from "contacts"/i.test(q) && /json_each/i.test(q));
  if (!sql) throw new Error(`no contacts lookup among ${seen.length} statements`);
  return sql;
}

/** The wire pages of one batch, fetched from a fake org with the engine's own SOQL. */
async function wirePages(engine: Micro, n: number): Promise<string[]> {
  const org = await startFakeOrg({ port: 0 });
  try {
    const zero = { Account: 0, Contact: 0, Opportunity: 0, OpportunityContactRole: 0, Conversion_Event__c: 0 };
    await (
      await fetch(`${org.url}/__fake/reset`, {
        method: "POST",
        body: JSON.stringify({ seed: 7, defects: false, counts: { ...zero, Lead: n } }),
      })
    ).arrayBuffer();
    const token = (await (await fetch(`${org.url}/__fake/token`, { method: "POST" })).json()) as {
      access_token: string;
      instance_url: string;
    };
    const settings = engine.defaultSettings();
    const spec = engine.objectSpec("Lead", settings.eventObject)!;
    const fields = [...spec.fields, ...engine.extraFields({ settings, salesforceObject: "Lead", spec })];
    const soql = engine.windowQuery("Lead", fields, null, n);
    const pages: string[] = [];
    let path = `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`;
    for (;;) {
      const res = await fetch(`${token.instance_url}${path}`, {
        headers: { authorization: `Bearer ${token.access_token}`, "sforce-query-options": "batchSize=2000" },
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`fake query ${res.status}: ${text.slice(0, 300)}`);
      pages.push(text);
      const page = JSON.parse(text) as { done: boolean; nextRecordsUrl?: string };
      if (page.done || !page.nextRecordsUrl) break;
      path = page.nextRecordsUrl;
    }
    return pages;
  } finally {
    await org.stop();
  }
}

async function oneBatch(engine: Micro, pages: string[]) {
  const db = engine.getDb({ DB: emptyD1() as never });
  const settings = engine.defaultSettings();
  const spec = engine.objectSpec("Lead", settings.eventObject)!;
  const base = {
    workspaceId: "ws_micro",
    runId: "run_micro",
    salesforceObject: "Lead",
    spec,
    settings,
    writeMode: "create_or_update" as const,
  };
  let seq = 0;
  let params = 0;
  for (const text of pages) {
    const { records } = JSON.parse(text) as { records: Record<string, unknown>[] };
    const prepared = await engine.preparePage(db, base, records, seq, null);
    const statements = engine.pageWrites(db, prepared);
    for (const s of statements as unknown as { getQuery(): { sql: string; params: unknown[] } }[])
      params += s.getQuery().params.length;
    seq += records.length;
  }
  return { records: seq, params };
}

export interface MicroResult {
  records: number;
  /** CPU ms of one whole batch, per repetition. */
  batchCpuMs: number[];
  perRecordUs: number;
  /** Self time by function in one profiled batch. */
  top: { fn: string; ms: number }[];
}

export async function microBenchmark(n = 50_000, reps = 5): Promise<MicroResult> {
  const engine = await loadEngine();
  const pages = await wirePages(engine, n);
  await oneBatch(engine, pages); // warm-up: JIT and inline caches, as in a Worker that has run before
  const batchCpuMs: number[] = [];
  let records = 0;
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    records = (await oneBatch(engine, pages)).records;
    const c = process.cpuUsage(c0);
    batchCpuMs.push((c.user + c.system) / 1000);
  }
  const top = await profileOnce(engine, pages);
  return { records, batchCpuMs, perRecordUs: (median(batchCpuMs) * 1000) / records, top };
}

async function profileOnce(engine: Micro, pages: string[]) {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  await oneBatch(engine, pages);
  const { profile } = (await session.post("Profiler.stop")) as unknown as {
    profile: {
      nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
      samples: number[];
      timeDeltas: number[];
    };
  };
  session.disconnect();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    // The profiler's own traffic (inspector session) is not the engine's.
    if (f.functionName === "(idle)" || f.functionName === "(root)" || f.url.startsWith("node:inspector")) return;
    const key = `${f.functionName || "(anonymous)"}${f.url ? ` ${f.url.split("/").pop()}:${f.lineNumber + 1}` : ""}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([fn, us]) => ({ fn, ms: us / 1000 }));
}

/**
 * Revisions side by side in one process: the same wire pages, each engine warmed, then batches
 * interleaved round by round (engines alternate, so the machine's drift falls on all of them).
 * `node --expose-gc scripts/bench/micro.ts --vs=REV[,REV…] [--n=50000] [--reps=7]`; the working tree is measured last.
 */
export async function microCompare(revs: string[], n = 50_000, reps = 7) {
  const engines = [
    ...(await Promise.all(revs.map(async (rev) => ({ label: rev, engine: await loadEngine(rev) })))),
    { label: "tree", engine: await loadEngine() },
  ];
  const pages = await wirePages(engines.at(-1)!.engine, n);
  for (const { engine } of engines) await oneBatch(engine, pages);
  const ms = engines.map(() => [] as number[]);
  for (let i = 0; i < reps; i++)
    for (const [j, { engine }] of engines.entries()) {
      // With --expose-gc each batch starts from a collected heap, not the one before's garbage.
      (globalThis as { gc?: () => void }).gc?.();
      const c0 = process.cpuUsage();
      await oneBatch(engine, pages);
      const c = process.cpuUsage(c0);
      ms[j]!.push((c.user + c.system) / 1000);
    }
  return engines.map(({ label }, j) => ({ label, batchCpuMs: ms[j]!, perRecordUs: (median(ms[j]!) * 1000) / n }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const revs = (arg("vs") ?? "").split(",").filter(Boolean);
  const n = Number(arg("n") ?? 50_000);
  const rows = await microCompare(revs, n, Number(arg("reps") ?? 7));
  const first = rows[0]!.perRecordUs;
  for (const r of rows)
    console.log(
      `${r.label}\t${r.perRecordUs.toFixed(1)} µs/record (min ${((Math.min(...r.batchCpuMs) * 1000) / n).toFixed(1)})\t${(r.perRecordUs / first).toFixed(3)}\tbatches ms: ${r.batchCpuMs.map((m) => m.toFixed(0)).join(", ")}`,
    );
}
