import type { RouteHandler } from "@hono/zod-openapi";
import { type Db, shardDb } from "../../db";
import type { AppEnv } from "../../env";
import { latestRetry } from "../../sync/retry/latest";
import { readRunRecords } from "../../sync/runs/read";
import { decodeCursor, pageOf } from "../cursor";
import { notFound } from "../errors";
import { runFiltersFrom } from "./params";
import { recordsCsvStream } from "./runs.csv";
import { listRunsQuery, runByIdQuery } from "./runs.queries";
import type { exportRunRecords, getRun, listRunRecords, listRuns } from "./runs.routes";
import { toApiRecord, toApiRun } from "./view";

// Cursor tags: a cursor from one list is refused by another instead of silently mispaging it.
const RUNS = "runs";
const RECORDS = "records";

export const listRunsHandler: RouteHandler<typeof listRuns, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  const filters = runFiltersFrom(q);
  const cursor = q.cursor ? decodeCursor(q.cursor, RUNS, ["string", "string"] as const) : null;
  const rows = await listRunsQuery(shardDb(c.var.shardEnv), c.get("workspaceId"), filters, cursor, q.limit + 1).all();
  const page = pageOf(rows, q.limit, RUNS, (r) => [r.startedAt, r.id]);
  return c.json({ runs: page.items.map(toApiRun), nextCursor: page.nextCursor }, 200);
};

/** The workspace's run, or a 404 that says nothing about other workspaces' runs. */
async function findRun(db: Db, workspaceId: string, id: string) {
  const run = await runByIdQuery(db, workspaceId, id).get();
  if (!run) throw notFound("Run");
  return run;
}

export const getRunHandler: RouteHandler<typeof getRun, AppEnv> = async (c) => {
  const db = shardDb(c.var.shardEnv);
  const run = await findRun(db, c.get("workspaceId"), c.req.valid("param").id);
  return c.json({ ...toApiRun(run), retryOf: run.retryOf ?? null, retriedBy: await latestRetry(db, run) }, 200);
};

export const listRunRecordsHandler: RouteHandler<typeof listRunRecords, AppEnv> = async (c) => {
  const db = shardDb(c.var.shardEnv);
  const workspaceId = c.get("workspaceId");
  const q = c.req.valid("query");
  const cursor = q.cursor ? decodeCursor(q.cursor, RECORDS, ["number", "number"] as const) : null;
  const run = await findRun(db, workspaceId, c.req.valid("param").id);
  const rows = await readRunRecords(db, workspaceId, run, q.status, cursor, q.limit + 1);
  const page = pageOf(rows, q.limit, RECORDS, (r) => [r.seq, r.tie]);
  return c.json({ records: page.items.map((r) => toApiRecord(r, run.direction)), nextCursor: page.nextCursor }, 200);
};

export const exportRunRecordsHandler: RouteHandler<typeof exportRunRecords, AppEnv> = async (c) => {
  const db = shardDb(c.var.shardEnv);
  const workspaceId = c.get("workspaceId");
  const { status } = c.req.valid("query");
  const run = await findRun(db, workspaceId, c.req.valid("param").id);
  // Run ids are ours, but the header must stay one quoted token whatever an id ever holds.
  const filename = `run-${run.id.replace(/[^A-Za-z0-9_.:-]/g, "_")}${status ? `-${status}` : ""}.csv`;
  return new Response(recordsCsvStream(db, workspaceId, run, status), {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
};
