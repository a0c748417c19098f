import { createApp } from "./api";
import { onQueue } from "./queue";
import { onSchedule } from "./scheduled";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled: (controller, env, ctx) => ctx.waitUntil(onSchedule(env, controller.scheduledTime)),
  queue: (batch, env, _ctx) => onQueue(batch, env),
} satisfies ExportedHandler<Env>;
