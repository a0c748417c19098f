// The Worker as deployed (worker/index.ts), with a thin wrapper that measures each queue invocation:
// D1 statements (counted as production's per-invocation limit counts them, like
// test/workers/counting-d1.ts), rows D1 reports read and written, time spent waiting on D1 and on
// fetch (Salesforce), and wall time. Everything still runs on the real bindings. The tallies are read
// over GET /api/__bench/invocations (this path never reaches the app).
import app from "../../worker/index.ts";

export interface Tally {
  queue: string;
  messages: number;
  summary: string;
  startedAt: number;
  wallMs: number;
  statements: number;
  d1Calls: number;
  d1WaitMs: number;
  rowsRead: number;
  rowsWritten: number;
  fetches: number;
  fetchWaitMs: number;
  error: string | null;
}

const tallies: Tally[] = [];

/** HTTP requests to the app, summed (GET/DELETE /api/__bench/http): where an API write's time goes. */
interface HttpTally {
  requests: number;
  wallMs: number;
  statements: number;
  d1Calls: number;
  d1WaitMs: number;
}
const blankHttp = (): HttpTally => ({ requests: 0, wallMs: 0, statements: 0, d1Calls: 0, d1WaitMs: 0 });
let http = blankHttp();
// Fetches are attributed to the invocation running when they start (inbound batches run one at a time).
let current: Tally | null = null;

const realFetch = globalThis.fetch;
globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
  const t = current;
  const start = Date.now();
  try {
    return await realFetch(...args);
  } finally {
    if (t) {
      t.fetches++;
      t.fetchWaitMs += Date.now() - start;
    }
  }
};

type Meta = { rows_read?: number; rows_written?: number };
function addMeta(t: Pick<Tally, "rowsRead" | "rowsWritten">, result: unknown) {
  const list = Array.isArray(result) ? result : [result];
  for (const r of list) {
    const meta = (r as { meta?: Meta } | null)?.meta;
    if (meta) {
      t.rowsRead += meta.rows_read ?? 0;
      t.rowsWritten += meta.rows_written ?? 0;
    }
  }
}

function countingDb(
  real: D1Database,
  t: Pick<Tally, "statements" | "d1Calls" | "d1WaitMs" | "rowsRead" | "rowsWritten">,
): D1Database {
  const unwrap = new WeakMap<object, D1PreparedStatement>();
  const timed = async <R>(n: number, run: () => Promise<R>): Promise<R> => {
    const start = Date.now();
    t.statements += n;
    t.d1Calls++;
    try {
      const result = await run();
      addMeta(t, result);
      return result;
    } finally {
      t.d1WaitMs += Date.now() - start;
    }
  };
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...a: unknown[]) => wrap(target.bind(...a));
        if (prop === "run" || prop === "all" || prop === "first" || prop === "raw") {
          return (...a: unknown[]) =>
            timed(1, () => (target[prop] as (...x: unknown[]) => Promise<unknown>).apply(target, a));
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    unwrap.set(proxy, stmt);
    return proxy;
  };
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") return (q: string) => wrap(target.prepare(q));
      if (prop === "batch")
        return (s: D1PreparedStatement[]) => timed(s.length, () => target.batch(s.map((x) => unwrap.get(x) ?? x)));
      if (prop === "exec") return (q: string) => timed(1, () => target.exec(q));
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

function summarise(batch: MessageBatch<unknown>): string {
  const b = batch.messages[0]?.body as
    | { type?: string; salesforceObject?: string; batchNo?: number; kind?: string }
    | undefined;
  if (!b || typeof b !== "object") return "";
  return [b.type, b.salesforceObject, b.kind, b.batchNo].filter((x) => x !== undefined).join(" ");
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const url = new URL(request.url);
    if (url.pathname === "/api/__bench/invocations") {
      if (request.method === "DELETE") tallies.length = 0;
      return Response.json(tallies);
    }
    if (url.pathname === "/api/__bench/http") {
      const out = http;
      if (request.method === "DELETE") http = blankHttp();
      return Response.json(out);
    }
    const t = { ...blankHttp(), rowsRead: 0, rowsWritten: 0 };
    const started = Date.now();
    try {
      return await app.fetch(request, { ...env, DB: countingDb(env.DB, t) }, ctx);
    } finally {
      http.requests++;
      http.wallMs += Date.now() - started;
      http.statements += t.statements;
      http.d1Calls += t.d1Calls;
      http.d1WaitMs += t.d1WaitMs;
    }
  },
  scheduled: app.scheduled,
  async queue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext) {
    const t: Tally = {
      queue: batch.queue,
      messages: batch.messages.length,
      summary: summarise(batch),
      startedAt: Date.now(),
      wallMs: 0,
      statements: 0,
      d1Calls: 0,
      d1WaitMs: 0,
      rowsRead: 0,
      rowsWritten: 0,
      fetches: 0,
      fetchWaitMs: 0,
      error: null,
    };
    tallies.push(t);
    current = t;
    try {
      await app.queue(batch, { ...env, DB: countingDb(env.DB, t) }, ctx);
    } catch (err) {
      t.error = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      t.wallMs = Date.now() - t.startedAt;
      if (current === t) current = null;
    }
  },
} satisfies ExportedHandler<Env>;
