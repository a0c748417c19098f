// Where a single API write's CPU goes, in the bench's own app (startApp: Miniflare, one workerd): a trivial
// route (an unknown path's 404), GET of a contact, PATCH of a contact, each sequentially and with 40 in
// flight, with the CPU of the app's workerd (our Worker and Miniflare's simulators of D1, queues, cache,
// rate limits and its entry worker), of this Node process (the client) and of the fake org, per request.
// With --profile, a V8 CPU profile of the app's isolate (our JavaScript only) during the concurrent PATCHes.
//
//   node scripts/bench/write-cost.ts [--rev=REV] [--n=400] [--floor-parts] [--profile=/tmp/patch.cpuprofile]
import { execSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { type App, startApp } from "./app.ts";
import { api, clearFakeCalls, fakeCalls, newConnectedWorkspace, onlyObjects, resetOrg } from "./drive.ts";
import { cpuSeconds, threadCpuSeconds } from "./proc.ts";
import { sleep } from "./stats.ts";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const N = Number(arg("n") ?? 400);
const t00 = Date.now();
const step = (what: string) => console.error(`${((Date.now() - t00) / 1000).toFixed(1)} s: ${what}`);

async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

async function drained(app: App): Promise<void> {
  for (;;) {
    const row = await app.db
      .prepare(
        "SELECT (SELECT count(*) FROM outbox WHERE processed_at IS NULL) + (SELECT count(*) FROM runs WHERE status = 'in_progress') AS n",
      )
      .first<{ n: number }>();
    if (row?.n === 0) return;
    await sleep(100);
  }
}

interface Row {
  what: string;
  inFlight: number;
  n: number;
  wallMs: number;
  perSec: number;
  workerdMs: number;
  nodeMs: number;
  fakeMs: number;
  /** PATCH only: the workerd CPU after the last answer until every change is pushed (the consumer's tail). */
  tailWorkerdMs?: number;
  busiestThread: number;
}

function measure(
  app: App,
  what: string,
  inFlight: number,
  send: (i: number) => Promise<void>,
  waitFor?: () => Promise<void>,
): Promise<Row> {
  return measureN(app, N, what, inFlight, send, waitFor);
}

async function measureN(
  app: App,
  n: number,
  what: string,
  inFlight: number,
  send: (i: number) => Promise<void>,
  waitFor?: () => Promise<void>,
): Promise<Row> {
  const w0 = cpuSeconds(app.workerdPid);
  const threads0 = threadCpuSeconds(app.workerdPid);
  const f0 = cpuSeconds(app.fakePid);
  const n0 = process.cpuUsage();
  const t0 = performance.now();
  await pool(n, inFlight, send);
  const wallMs = performance.now() - t0;
  const w1 = cpuSeconds(app.workerdPid);
  const threads1 = threadCpuSeconds(app.workerdPid);
  const nodeCpu = process.cpuUsage(n0);
  let tail: number | undefined;
  if (waitFor) {
    await waitFor();
    tail = ((cpuSeconds(app.workerdPid) - w1) * 1000) / n;
  }
  return {
    what,
    inFlight,
    n,
    wallMs,
    perSec: (n / wallMs) * 1000,
    workerdMs: ((w1 - w0) * 1000) / n,
    nodeMs: (nodeCpu.user + nodeCpu.system) / 1000 / n,
    fakeMs: ((cpuSeconds(app.fakePid) - f0) * 1000) / n,
    tailWorkerdMs: tail,
    // The busiest thread's share of workerd's CPU, and of the wall time (1 = a core saturated).
    busiestThread: Math.max(...[...threads1].map(([tid, t]) => t - (threads0.get(tid) ?? 0))),
  };
}

/**
 * workerd's own inspector (not Miniflare's proxy, which shows only the app): every isolate in the process,
 * Miniflare's simulators of D1, queues, cache and rate limits and its entry and asset router included.
 */
async function runtimeInspector(pid: number): Promise<{ port: number; targets: string[] }> {
  const listening = execSync(`ss -ltnpH | grep 'pid=${pid},' || true`).toString();
  for (const m of listening.matchAll(/127\.0\.0\.1:(\d+)/g)) {
    const res = await fetch(`http://127.0.0.1:${m[1]}/json/list`).catch(() => null);
    const text = res ? await res.text() : "";
    if (!text.startsWith("[")) continue;
    return { port: Number(m[1]), targets: (JSON.parse(text) as { id: string }[]).map((t) => t.id) };
  }
  throw new Error(`no inspector found for workerd ${pid}`);
}

async function cdpSession(url: string) {
  // Miniflare's proxy wants an allowed Origin (Node's WebSocket takes headers beside the standard options).
  const ws = new WebSocket(url, { headers: { origin: "http://127.0.0.1" } } as unknown as string[]);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", reject, { once: true });
  });
  let id = 0;
  const waiting = new Map<number, (v: unknown) => void>();
  ws.addEventListener("message", (e) => {
    const msg = JSON.parse(String(e.data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg.result);
  });
  const call = (method: string, params: unknown = {}) =>
    new Promise<any>((resolve, reject) => {
      const n = ++id;
      const timer = setTimeout(() => reject(new Error(`${url}: ${method} unanswered`)), 20_000);
      waiting.set(n, (v) => {
        clearTimeout(timer);
        resolve(v);
      });
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  return { call, close: () => ws.close() };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = "(idle)";

/**
 * Busy time of one isolate: samples not idle, each worth at most twice the interval (a delta longer than
 * that is the process descheduled by the machine's other work, not time spent here).
 */
function busyMs(
  profile: Profile,
  intervalUs: number,
): { busy: number; self: Map<string, number>; incl: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n: ProfileNode) => `${n.callFrame.functionName || "(anonymous)"}:${n.callFrame.lineNumber}`;
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((s, i) => {
    const node = byId.get(s)!;
    if (node.callFrame.functionName === IDLE) return;
    // A sample stands for the time before it: the next delta.
    const t = Math.min(profile.timeDeltas[i + 1] ?? intervalUs, 2 * intervalUs) / 1000;
    busy += t;
    self.set(key(node), (self.get(key(node)) ?? 0) + t);
    const seen = new Set<string>();
    for (let id: number | undefined = s; id !== undefined; id = parent.get(id)) {
      const k = key(byId.get(id)!);
      if (!seen.has(k)) incl.set(k, (incl.get(k) ?? 0) + t);
      seen.add(k);
    }
  });
  return { busy, self, incl };
}

/** Profiles every isolate of the app's workerd while `run` runs; prints busy ms per request by isolate. */
async function profileAll(app: App, requests: number, run: () => Promise<Row>): Promise<Row> {
  const intervalUs = Number(arg("interval") ?? 250);
  const { port, targets } = await runtimeInspector(app.workerdPid);
  step(`inspector ${port}: ${targets.join(", ")}`);
  const sessions = [];
  // The app's isolate through Miniflare's proxy, which holds workerd's one session with it.
  for (const t of targets)
    sessions.push(
      await cdpSession(
        t === "core:user:app" ? `ws://127.0.0.1:${app.inspectorPort}/app` : `ws://127.0.0.1:${port}/${t}`,
      ),
    );
  step("connected to every isolate");
  for (const s of sessions) {
    await s.call("Profiler.enable");
    await s.call("Profiler.setSamplingInterval", { interval: intervalUs });
    await s.call("Profiler.start");
  }
  step("profiling");
  const row = await run();
  step("run done");
  const profiles: Profile[] = [];
  for (const s of sessions) profiles.push((await s.call("Profiler.stop")).profile);
  for (const s of sessions) s.close();
  const out = arg("profile");
  if (out) writeFileSync(out, JSON.stringify(Object.fromEntries(targets.map((t, i) => [t, profiles[i]]))));
  const per = (ms: number) => (ms / requests).toFixed(2);
  console.log(
    `\nprofiled: ${row.what} × ${row.inFlight} in flight, ${row.perSec.toFixed(0)}/s, workerd CPU ${row.workerdMs.toFixed(2)} ms/request (+ tail ${row.tailWorkerdMs?.toFixed(2) ?? "—"})`,
  );
  console.log("| isolate | JS busy ms/request |\n| --- | --: |");
  let sum = 0;
  const summaries = profiles.map((p) => busyMs(p, intervalUs));
  targets
    .map((t, i) => [t, summaries[i]!.busy] as const)
    .sort((a, b) => b[1] - a[1])
    .forEach(([t, busy]) => {
      sum += busy;
      if (busy / requests >= 0.005) console.log(`| ${t} | ${per(busy)} |`);
    });
  console.log(`| all isolates | ${per(sum)} |`);
  const app0 = summaries[targets.indexOf("core:user:app")];
  if (app0) {
    console.log("\nthe app's isolate, inclusive ms/request (top):");
    for (const [k, t] of [...app0.incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(arg("top") ?? 60)))
      console.log(`  ${per(t)}  ${k}`);
    console.log("self ms/request (top):");
    for (const [k, t] of [...app0.self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25))
      console.log(`  ${per(t)}  ${k}`);
  }
  return row;
}

async function main() {
  step("start");
  const noPush = process.argv.includes("--no-push");
  // --vars=NAME=value,NAME=value: Worker variables over wrangler.toml's (e.g. OUTBOUND_COALESCE_MS=5000).
  const vars = arg("vars")
    ? Object.fromEntries(
        arg("vars")!
          .split(",")
          .map((kv) => kv.split("=") as [string, string]),
      )
    : undefined;
  const app = await startApp({
    rev: arg("rev"),
    vars,
    withoutConsumers: noPush ? ["sync-outbound"] : [],
    entry: "floor-entry.ts",
  });
  try {
    step("app started");
    await resetOrg(app, { Contact: 100 });
    const ws = await newConnectedWorkspace(app, "write cost", onlyObjects("Contact"));
    await api(app, "/api/v1/sync/inbound", ws.apiKey, { method: "POST" });
    step("connected");
    await drained(app);
    step("synced in");
    await sleep(500);
    const { results } = await app.db
      .prepare("SELECT id FROM contacts WHERE workspace_id = ? AND salesforce_id IS NOT NULL ORDER BY id")
      .bind(ws.id)
      .all<{ id: string }>();
    const ids = results.map((r) => r.id);
    const headers = { authorization: `Bearer ${ws.apiKey}`, "content-type": "application/json" };
    const req = async (method: string, path: string, body?: unknown, expect = 200, extra = {}) => {
      const res = await fetch(`${app.url}${path}`, {
        method,
        headers: { ...headers, ...extra },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      await res.arrayBuffer();
      if (res.status !== expect) throw new Error(`${method} ${path} → ${res.status}`);
    };
    let round = 0;
    const kinds: [string, (i: number) => Promise<void>, boolean][] = [
      // The bench wrapper's own path (instrumented-entry.ts): Miniflare's entry and asset router, no Hono, no bindings.
      ["trivial (bench wrapper)", () => req("GET", "/api/__bench/http"), false],
      ["404 (unknown path)", () => req("GET", "/api/nope", undefined, 404), false],
      ["GET /api/v1/contacts/{id}", (i) => req("GET", `/api/v1/contacts/${ids[i % ids.length]}`), false],
      [
        "PATCH, binding calls only (floor-entry.ts)",
        (i) => req("PATCH", `/api/__bench/floor/${ws.id}/${ids[i % ids.length]}`, { title: `F ${round}.${i}` }),
        true,
      ],
      [
        "PATCH /api/v1/contacts/{id}",
        (i) => req("PATCH", `/api/v1/contacts/${ids[i % ids.length]}`, { title: `T ${round}.${i}` }),
        true,
      ],
    ];
    // --floor-parts: the floor without the write limiter, and with its D1 batch alone (nor the block's
    // lookup): what each binding costs the harness's one thread, beside the trivial request's entry cost.
    const floorWithout = (label: string, without: string): (typeof kinds)[number] => [
      `PATCH floor, ${label}`,
      (i) =>
        req(
          "PATCH",
          `/api/__bench/floor/${ws.id}/${ids[i % ids.length]}`,
          { title: `F ${without} ${round}.${i}` },
          200,
          {
            "x-floor-without": without,
          },
        ),
      true,
    ];
    if (process.argv.includes("--floor-parts"))
      kinds.push(floorWithout("no write limiter", "limiter"), floorWithout("the D1 batch alone", "limiter,block"));
    // Warm up every path once (JIT, key cache).
    for (const [, send] of kinds) for (let i = 0; i < 20; i++) await send(i);
    if (!noPush) await drained(app);
    const rows: Row[] = [];
    for (const inFlight of process.argv.includes("--profile-only") ? [] : [1, 40]) {
      for (const [what, send, writes] of kinds) {
        round++;
        rows.push(await measure(app, what, inFlight, send, writes && !noPush ? () => drained(app) : undefined));
        step(`${what} × ${inFlight}`);
        await sleep(300);
      }
    }
    console.log(
      "\n| request | in flight | n | wall s | per s | app workerd CPU ms/req | + consumer tail ms/req | workerd busiest thread, share of wall | Node client ms/req | fake org ms/req |",
    );
    console.log("| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |");
    for (const r of rows)
      console.log(
        `| ${r.what} | ${r.inFlight} | ${r.n} | ${(r.wallMs / 1000).toFixed(2)} | ${r.perSec.toFixed(0)} | ${r.workerdMs.toFixed(2)} | ${r.tailWorkerdMs?.toFixed(2) ?? "—"} | ${((r.busiestThread * 1000) / r.wallMs).toFixed(2)} | ${r.nodeMs.toFixed(2)} | ${r.fakeMs.toFixed(2)} |`,
      );

    // The bench's multi burst: W workspaces × 100 changes, 40 in flight, their pushes running alongside.
    const tenants = Number(arg("tenants") ?? 0);
    if (tenants) {
      const list = [ws];
      for (let w = 1; w < tenants; w++) {
        const more = await newConnectedWorkspace(app, `tenant ${w}`, onlyObjects("Contact"));
        await api(app, "/api/v1/sync/inbound", more.apiKey, { method: "POST" });
        list.push(more);
      }
      // Without the outbound consumer the warm-up's changes stay in the outbox: wait for the syncs only.
      if (noPush) await sleep(3000);
      else await drained(app);
      const idsOf: string[][] = [];
      for (const t of list) {
        const { results: r } = await app.db
          .prepare("SELECT id FROM contacts WHERE workspace_id = ? AND salesforce_id IS NOT NULL ORDER BY id")
          .bind(t.id)
          .all<{ id: string }>();
        idsOf.push(r.map((x) => x.id));
      }
      step(`${tenants} workspaces ready`);
      const perTenant = 100;
      for (const floor of [true, false]) {
        round++;
        await clearFakeCalls(app);
        const since = new Date(Date.now() - 1000).toISOString();
        const send = async (i: number) => {
          const w = i % tenants;
          const t = list[w]!;
          const id = idsOf[w]![Math.floor(i / tenants) % perTenant]!;
          const path = floor ? `/api/__bench/floor/${t.id}/${id}` : `/api/v1/contacts/${id}`;
          const res = await fetch(`${app.url}${path}`, {
            method: "PATCH",
            headers: { authorization: `Bearer ${t.apiKey}`, "content-type": "application/json" },
            body: JSON.stringify({ title: `M ${round}.${i}` }),
          });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`PATCH ${path} → ${res.status}`);
        };
        const burstRun = () =>
          measureN(
            app,
            tenants * perTenant,
            floor ? "PATCH ×W, binding calls only" : "PATCH ×W, the API",
            40,
            send,
            noPush ? undefined : () => drained(app),
          );
        const r = process.argv.includes("--profile-tenants")
          ? await profileAll(app, tenants * perTenant, burstRun)
          : await burstRun();
        const { results: lat } = await app.db
          .prepare("SELECT created_at, processed_at FROM outbox WHERE created_at >= ? AND processed_at IS NOT NULL")
          .bind(since)
          .all<{ created_at: string; processed_at: string }>();
        const ms = lat.map((x) => Date.parse(x.processed_at) - Date.parse(x.created_at)).sort((a, b) => a - b);
        const calls = await fakeCalls(app);
        // --timeline: per workspace, when its changes were written and when each push answered (s after the first write).
        if (process.argv.includes("--timeline")) {
          const { results: runs } = await app.db
            .prepare(
              `SELECT workspace_id AS ws, run_id AS run, count(*) AS n, min(created_at) AS first, max(created_at) AS last,
                 max(processed_at) AS done FROM outbox WHERE created_at >= ? GROUP BY run_id ORDER BY ws, done`,
            )
            .bind(since)
            .all<{ ws: string; run: string; n: number; first: string; last: string; done: string }>();
          const t0 = Math.min(...runs.map((x) => Date.parse(x.first)));
          const at = (iso: string) => ((Date.parse(iso) - t0) / 1000).toFixed(2);
          for (const x of runs.slice(0, 24))
            console.log(
              `  ${x.ws.slice(-6)} ${String(x.n).padStart(3)} written ${at(x.first)}–${at(x.last)} s, pushed ${at(x.done)} s`,
            );
          // The outbound consumer's invocations (instrumented-entry.ts): when each ran, how long, how many messages.
          const calls = (await (await fetch(`${app.url}/api/__bench/invocations`)).json()) as {
            queue: string;
            messages: number;
            startedAt: number;
            wallMs: number;
            statements: number;
            error: string | null;
          }[];
          for (const c of calls.filter((x) => x.queue === "sync-outbound" && x.startedAt >= t0))
            console.log(
              `  delivery ${((c.startedAt - t0) / 1000).toFixed(2)} s: ${c.messages} messages, ${c.wallMs} ms, ${c.statements} statements${c.error ? `, ${c.error}` : ""}`,
            );
        }
        console.log(
          `${r.what}: ${tenants} × ${perTenant}, ${r.perSec.toFixed(0)}/s, workerd ${r.workerdMs.toFixed(2)} ms/write + tail ${r.tailWorkerdMs?.toFixed(2) ?? "—"}, busiest thread ${((r.busiestThread * 1000) / r.wallMs).toFixed(2)}, node ${r.nodeMs.toFixed(2)}, fake ${r.fakeMs.toFixed(2)}; latency p50 ${ms[Math.floor(ms.length / 2)]} p95 ${ms[Math.floor(ms.length * 0.95)]} ms; fake calls ${calls.length}`,
        );
      }
    }
    // The concurrent PATCHes again under strace -c (syscalls: is workerd waiting on fsync?) or perf record.
    for (const tool of ["strace", "perf"]) {
      const out = arg(tool);
      if (!out) continue;
      const cmd =
        tool === "strace"
          ? ["strace", "-c", "-f", "-o", out, "-p", String(app.workerdPid)]
          : ["perf", "record", "-F", "999", "-g", "-o", out, "-p", String(app.workerdPid)];
      const child = spawn(cmd[0]!, cmd.slice(1), { stdio: "ignore" });
      await sleep(1000);
      round++;
      const [what, send] = kinds[4]!;
      const r = await measure(app, `${what} (under ${tool})`, 40, send);
      child.kill("SIGINT");
      await new Promise((resolve) => child.once("exit", resolve));
      console.log(`\n${tool}: ${r.perSec.toFixed(0)}/s, workerd ${r.workerdMs.toFixed(2)} ms/request → ${out}`);
      if (!noPush) await drained(app);
    }
    if (process.argv.some((a) => a === "--profile" || a.startsWith("--profile="))) {
      const [what, send, writes] = kinds[Number(arg("profile-kind") ?? 4)]!;
      const inFlight = Number(arg("profile-in-flight") ?? 40);
      round++;
      await profileAll(app, N, () =>
        measure(app, what, inFlight, send, writes && !noPush ? () => drained(app) : undefined),
      );
    }
  } finally {
    await app.stop();
  }
}

await main();
process.exit(0);
