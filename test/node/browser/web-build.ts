// The page is served from web/dist; `npm test` builds it first, a direct vitest run may not have.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmdirSync } from "node:fs";
import { join } from "node:path";

const ROOT = decodeURIComponent(new URL("../../../", import.meta.url).pathname);
const INDEX = join(ROOT, "web/dist/index.html");
const LOCK = join(ROOT, "test-output/.web-build-lock");

/** Builds web/dist once if it is missing; browser test files start in parallel, so one builds and the others wait. */
export async function ensureWebBuilt(): Promise<void> {
  if (existsSync(INDEX)) return;
  mkdirSync(join(ROOT, "test-output"), { recursive: true });
  let mine = false;
  try {
    mkdirSync(LOCK);
    mine = true;
  } catch {
    // another file is building
  }
  if (mine) {
    try {
      const res = spawnSync("npx", ["vite", "build", "--config", "web/vite.config.ts", "--logLevel", "warn"], {
        cwd: ROOT,
        stdio: "inherit",
      });
      if (res.status !== 0) throw new Error("vite build of web/ failed");
    } finally {
      rmdirSync(LOCK);
    }
    return;
  }
  const deadline = Date.now() + 120_000;
  while (!existsSync(INDEX) || existsSync(LOCK)) {
    if (Date.now() > deadline) throw new Error("waited too long for another test file's web build");
    await new Promise((r) => setTimeout(r, 250));
  }
}
