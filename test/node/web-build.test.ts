import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Builds the page with its real config into a scratch folder (so a web/dist that wrangler or a browser
// test is serving is left alone) and checks the budgets the page promises: at most 50 KB of gzipped
// JavaScript and CSS together, and nothing that CSP `default-src 'self'` would block.

const BUDGET = 50 * 1024;
let outDir: string;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const gz = (p: string) => gzipSync(readFileSync(p)).length;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "web-build-"));
  await build({
    configFile: "web/vite.config.ts",
    mode: "production",
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
});

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe("web build", () => {
  it("keeps the page's JavaScript and CSS together within 50 KB gzipped", () => {
    const all = files(outDir);
    const js = all.filter((p) => p.endsWith(".js"));
    const css = all.filter((p) => p.endsWith(".css"));
    expect(js.length).toBeGreaterThan(0);
    const jsBytes = js.reduce((n, p) => n + gz(p), 0);
    const cssBytes = css.reduce((n, p) => n + gz(p), 0);
    console.log(
      `web bundle: JS ${(jsBytes / 1024).toFixed(1)} KB gzipped (${js.length} files), ` +
        `CSS ${(cssBytes / 1024).toFixed(1)} KB gzipped (${css.length} files)`,
    );
    for (const p of [...js, ...css]) console.log(`  ${relative(outDir, p)}: ${(gz(p) / 1024).toFixed(1)} KB gz`);
    expect(css.length).toBeGreaterThan(0);
    expect(jsBytes + cssBytes).toBeLessThanOrEqual(BUDGET);
  });

  it("serves an index.html that CSP default-src 'self' allows", () => {
    const html = readFileSync(join(outDir, "index.html"), "utf8");
    // Every script is an external same-origin module: no inline code, no handlers, no style attributes.
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\ssrc="\/[^/]/);
    expect(html).not.toMatch(/<script\b[^>]*>[^<\s]/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it("ships the CSP header rules for Workers Static Assets", () => {
    const headers = readFileSync(join(outDir, "_headers"), "utf8");
    expect(headers).toMatch(/^\/\*\n\s+Content-Security-Policy: default-src 'self'/m);
    expect(headers).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  it("loads no fonts, images or styles from other origins", () => {
    for (const p of files(outDir).filter((f) => f.endsWith(".css"))) {
      const css = readFileSync(p, "utf8");
      expect(css).not.toMatch(/@import/);
      expect(css).not.toMatch(/url\(\s*["']?(https?:)?\/\//);
    }
  });

  it("holds none of the worker's code: the page takes the API's types from its zod schemas, type-only", () => {
    // A value import of a worker module (not `import type`) would pull zod, Hono or drizzle into the bundle.
    const js = files(outDir).filter((p) => p.endsWith(".js"));
    for (const p of js) expect(readFileSync(p, "utf8"), p).not.toMatch(/ZodError|\$ZodType|openapi|drizzle|Hono/);
    const src = files("web/src").filter((p) => /\.(tsx?|jsx?)$/.test(p));
    for (const p of src) expect(readFileSync(p, "utf8"), p).not.toMatch(/^import (?!type )[^;]*from "[./]*\/worker\//m);
  });

  it("never renders record data as HTML", () => {
    const src = files("web/src").filter((p) => /\.(tsx?|jsx?)$/.test(p));
    for (const p of src) expect(readFileSync(p, "utf8"), p).not.toMatch(/dangerouslySetInnerHTML|\.innerHTML\s*=/);
  });
});
