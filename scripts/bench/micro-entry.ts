// The consumer's pure-JavaScript path, for the Node micro-benchmark (micro.ts): the engine's own
// modules, bundled by esbuild for Node. Nothing here runs in the Worker.

import { dbOver } from "../../worker/db/index.ts";

/** Drizzle over the binding the bench hands in (the name every bench revision's entry exports). */
export const getDb = (env: { DB: D1Database }) => dbOver(env.DB);
export { defaultSettings } from "../../worker/settings/defaults.ts";
export { extraFields } from "../../worker/sync/inbound/classify/context.ts";
export { pageWrites, preparePage } from "../../worker/sync/inbound/page.ts";
export { windowQuery } from "../../worker/sync/inbound/window.ts";
export { objectSpec } from "../../worker/sync/objects.ts";
