// The health handler's query builders, bundled by esbuild for Node so that read-api.ts can EXPLAIN
// and time the very SQL they produce. Nothing here runs in the Worker.
export { last24hQuery, topReasonsQuery } from "../../worker/api/health/health.queries.ts";
export { listRunsQuery } from "../../worker/api/runs/runs.queries.ts";
export { getDb } from "../../worker/db/index.ts";
