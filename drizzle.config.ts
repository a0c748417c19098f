import { defineConfig } from "drizzle-kit";

// Flat SQL files in migrations/, the layout wrangler and readD1Migrations read (drizzle-kit 0.31.x).
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/db/schema/index.ts",
  out: "./migrations",
});
