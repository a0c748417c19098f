import { createApp } from "./api";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
