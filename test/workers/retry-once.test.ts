import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, newWorkspace } from "./helpers";
import { seedRecords, seedRun } from "./read-api-seed";

// A run's failed records are retried once: the run detail names its retry, a second POST …/retry is
// a 409 naming that run, and only a retry that failed as a whole lets the run be retried again.
// retry.test.ts covers the real retries end to end; these are the rules on seeded runs.

type Ws = Awaited<ReturnType<typeof newWorkspace>>;

async function runWithFailure(ws: Ws, at: string) {
  const run = await seedRun(ws.id, at);
  await seedRecords(ws.id, run.id, [{ status: "success" }, { status: "failed", reasonCode: "malformed_data" }]);
  return run;
}

const retry = (ws: Ws, id: string) => call(`/api/v1/sync/runs/${id}/retry`, { method: "POST", headers: ws.auth });
const detail = async (ws: Ws, id: string) =>
  (await (await call(`/api/v1/sync/runs/${id}`, { headers: ws.auth })).json()) as Record<string, unknown>;

describe("A run is retried once", () => {
  it("a run with a retry in progress or completed answers 409 already_retried naming it", async () => {
    const ws = await newWorkspace("Retried once");
    const original = await runWithFailure(ws, "2026-11-28T10:00:00.000Z");
    expect(await detail(ws, original.id)).toMatchObject({ retryOf: null, retriedBy: null });
    const first = await seedRun(ws.id, "2026-11-28T10:05:00.000Z", {
      kind: "retry",
      retryOf: original.id,
      status: "in_progress",
    });
    for (const status of ["in_progress", "completed"]) {
      await env.DB.prepare("UPDATE runs SET status = ? WHERE id = ?").bind(status, first.id).run();
      const res = await retry(ws, original.id);
      expect(res.status, status).toBe(409);
      const body = (await res.json()) as { error: { code: string; message: string; details: unknown } };
      expect(body.error).toMatchObject({ code: "already_retried", details: { retryRunId: first.id } });
      expect(body.error.message).toContain(first.id);
      expect(await detail(ws, original.id)).toMatchObject({ retryOf: null, retriedBy: { id: first.id, status } });
    }
    expect(await detail(ws, first.id)).toMatchObject({ kind: "retry", retryOf: original.id, retriedBy: null });
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM runs WHERE retry_of = ?")
      .bind(original.id)
      .first<{ n: number }>())!;
    expect(n).toBe(1);
  });

  it("two retry requests at once open one retry run; the other is told which", async () => {
    const ws = await newWorkspace("Double click");
    const original = await runWithFailure(ws, "2026-11-28T10:00:00.000Z");
    const answers = await Promise.all([retry(ws, original.id), retry(ws, original.id), retry(ws, original.id)]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 409, 409]);
    const { results } = await env.DB.prepare("SELECT id FROM runs WHERE retry_of = ?")
      .bind(original.id)
      .all<{ id: string }>();
    expect(results).toHaveLength(1);
    for (const res of answers.filter((r) => r.status === 409)) {
      expect(((await res.json()) as { error: { code: string; details: unknown } }).error).toMatchObject({
        code: "already_retried",
        details: { retryRunId: results[0]!.id },
      });
    }
  });

  it("the database holds one live retry per run (runs_retry_once); a failed one makes room", async () => {
    const ws = await newWorkspace("Retry index");
    const original = await runWithFailure(ws, "2026-11-28T10:00:00.000Z");
    const first = await seedRun(ws.id, "2026-11-28T10:05:00.000Z", {
      kind: "retry",
      retryOf: original.id,
      status: "in_progress",
    });
    const refused = await seedRun(ws.id, "2026-11-28T10:06:00.000Z", {
      kind: "retry",
      retryOf: original.id,
      status: "completed",
    }).catch((e: Error) => e);
    expect(String((refused as Error & { cause?: unknown }).cause ?? refused)).toMatch(
      /UNIQUE constraint failed: runs\.retry_of/,
    );
    await env.DB.prepare("UPDATE runs SET status = 'failed' WHERE id = ?").bind(first.id).run();
    await expect(
      seedRun(ws.id, "2026-11-28T10:07:00.000Z", { kind: "retry", retryOf: original.id, status: "in_progress" }),
    ).resolves.toBeTruthy();
  });

  it("a retry that failed as a whole lets the run be retried again, and the detail then names the newest retry", async () => {
    const ws = await newWorkspace("Retry failed");
    const original = await runWithFailure(ws, "2026-11-28T10:00:00.000Z");
    const failedRetry = await seedRun(ws.id, "2026-11-28T10:05:00.000Z", {
      kind: "retry",
      retryOf: original.id,
      status: "failed",
      failureCode: "authentication_failure",
    });
    expect(await detail(ws, original.id)).toMatchObject({ retriedBy: { id: failedRetry.id, status: "failed" } });
    const res = await retry(ws, original.id);
    expect(res.status, await res.clone().text()).toBe(202);
    const { run } = (await res.json()) as { run: { id: string; kind: string } };
    expect(run.kind).toBe("retry");
    expect(((await detail(ws, original.id)).retriedBy as { id: string }).id).toBe(run.id);
  });

  it("another run's retry, even of the same object and later, does not count", async () => {
    const ws = await newWorkspace("Other retries");
    const original = await runWithFailure(ws, "2026-11-28T10:00:00.000Z");
    const other = await runWithFailure(ws, "2026-11-28T10:01:00.000Z");
    await seedRun(ws.id, "2026-11-28T10:05:00.000Z", { kind: "retry", retryOf: other.id });
    expect(await detail(ws, original.id)).toMatchObject({ retriedBy: null });
    expect((await retry(ws, other.id)).status).toBe(409);
    expect((await retry(ws, original.id)).status).toBe(202);
  });
});
