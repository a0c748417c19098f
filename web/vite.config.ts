import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

// The page is served by Workers Static Assets under CSP `default-src 'self'`: one module script and one
// stylesheet, no inline code. The modulepreload polyfill is dropped because every target browser has it.
export default defineConfig(({ command }) => ({
  root,
  base: "/",
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  // A build is always the shipped build, even when NODE_ENV=test (vitest) would otherwise switch the
  // JSX transform to its bigger development output.
  oxc: command === "build" ? { jsx: { development: false } } : undefined,
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev:web` against a local `wrangler dev` on 8787.
    proxy: { "/api": "http://127.0.0.1:8787", "/oauth": "http://127.0.0.1:8787" },
  },
}));
