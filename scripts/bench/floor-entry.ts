// The bench's Worker (instrumented-entry.ts) plus one route for write-cost.ts: a contact PATCH made of
// the same binding calls as the API's (the failed-auth block's Cache API lookup, once a second, the write limiter, one
// D1 batch of the outbox insert, the update and the outbound wake, the queue send when it made the wake)
// with no framework around them (a revision before wakes: one message per write):
// no Hono, no zod, no drizzle, no key hashing. What it costs the app's workerd is the local harness's
// share of a write (Miniflare's entry and asset router, its simulators of D1, queues, cache and rate
// limits); the API's PATCH minus this is our code's share.
import app from "./instrumented-entry.ts";

const ROUTE = /^\/api\/__bench\/floor\/([^/]+)\/([^/]+)$/;
let withWakes = true;
let notBlockedUntil = 0;

export default {
  ...app,
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const m = ROUTE.exec(new URL(request.url).pathname);
    if (!m || request.method !== "PATCH") return app.fetch(request, env, ctx);
    const [, workspaceId, id] = m as unknown as [string, string, string];
    // write-cost.ts --floor-parts leaves parts out, to say what each costs the harness.
    const without = request.headers.get("x-floor-without") ?? "";
    // The block's lookup, trusted for a second when it finds none (worker/rate-limits/blocks.ts).
    if (!without.includes("block") && Date.now() >= notBlockedUntil) {
      const cache = (caches as unknown as { default: Cache }).default;
      if (await cache.match("https://failed-auth.rate-limits.invalid/unknown"))
        return new Response(null, { status: 429 });
      notBlockedUntil = Date.now() + 1000;
    }
    const { title } = (await request.json()) as { title: string };
    // A revision without the write limiter (before d156305 added the rate limits) pays nothing for it here either.
    const limiter = (env as Partial<Env>).WRITE_LIMITER;
    if (limiter && !without.includes("limiter") && !(await limiter.limit({ key: workspaceId })).success)
      return new Response(null, { status: 429 });
    const outboxId = `obx_${crypto.randomUUID()}`;
    const now = new Date().toISOString();
    const statements = [
      env.DB.prepare(
        `INSERT INTO outbox (id, workspace_id, entity_type, entity_id, operation, changed_fields, sent_at)
         SELECT ?1, ?2, 'contact', id, 'upsert', '[' || rtrim(iif(title IS NOT ?4, '"title",', ''), ',') || ']', ?5
         FROM contacts WHERE id = ?3 AND workspace_id = ?2 AND (title IS NOT ?4)`,
      ).bind(outboxId, workspaceId, id, title, now),
      env.DB.prepare(
        "UPDATE contacts SET title = ?3, updated_at = ?4 WHERE id = ?1 AND workspace_id = ?2 AND (title IS NOT ?3) RETURNING *",
      ).bind(id, workspaceId, title, now),
    ];
    // The outbound wake (worker/sync/outbound/wake.ts): only the write that makes it sends a message. A
    // revision before it (no outbound_wakes table) sends one message per write, as its API did.
    if (withWakes)
      statements.push(
        env.DB.prepare(
          `INSERT INTO outbound_wakes (workspace_id, entity_type, due_at)
         SELECT workspace_id, entity_type, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 seconds') FROM outbox WHERE id = ?1
         ON CONFLICT (workspace_id, entity_type) DO UPDATE SET due_at = excluded.due_at
           WHERE outbound_wakes.due_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-60 seconds')
         RETURNING entity_type`,
        ).bind(outboxId),
      );
    const [, updated, woken] = await env.DB.batch(statements).catch((err: Error) => {
      if (!withWakes || !/no such table: outbound_wakes/.test(String(err.message))) throw err;
      withWakes = false;
      return env.DB.batch(statements.slice(0, 2));
    });
    const row = updated?.results?.[0];
    if (!row) return new Response(null, { status: 404 });
    if (!withWakes) await env.OUTBOUND_QUEUE.send({ type: "outbound_change", workspaceId, outboxId, shard: "DB" });
    else if (woken?.results?.length)
      await env.OUTBOUND_QUEUE.send(
        { type: "outbound_change", workspaceId, outboxId, shard: "DB" },
        { delaySeconds: 1 },
      );
    return Response.json(row);
  },
} satisfies ExportedHandler<Env>;
