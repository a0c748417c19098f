// `npm run check` is the gate before the suite (.ci/run): each of its parts must refuse a planted violation.
// Each case plants one in a scratch copy of the part's own configuration, so the repository's files and
// configuration are what is checked, and the same scratch copy without the plant passes.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const bin = (name: string) => join(root, "node_modules/.bin", name);
const scratch = mkdtempSync(join(tmpdir(), "check-gate-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// The tools' scripts start with `env node`: the Node that runs this test (22, from devDependencies), not the machine's.
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };

/** Runs a tool; its exit code and what it printed. */
function run(cmd: string, args: string[], cwd: string) {
  try {
    const out = execFileSync(cmd, args, { cwd, env, encoding: "utf8", stdio: "pipe", timeout: 60_000 });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { code: err.status ?? 1, out: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}

/** A scratch tree with the repository's biome.json and one file at `path`; biome ci over it. */
function biome(name: string, path: string, text: string) {
  const dir = join(scratch, name);
  mkdirSync(join(dir, dirname(path)), { recursive: true });
  const config = JSON.parse(readFileSync(join(root, "biome.json"), "utf8"));
  config.vcs = { enabled: false }; // the scratch tree is no git checkout
  writeFileSync(join(dir, "biome.json"), JSON.stringify(config));
  writeFileSync(join(dir, path), text);
  return run(bin("biome"), ["ci", "worker"], dir);
}

/** tsc with the worker project's options over one planted file. */
function tscWorker(name: string, text: string) {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "planted.ts"), text);
  // The Worker's runtime types without the line that names its main module (that would check all of worker/).
  const runtime = readFileSync(join(root, "worker-configuration.d.ts"), "utf8").replace(
    /^.*mainModule: typeof import\("\.\/worker\/index"\);$/m,
    "",
  );
  writeFileSync(join(dir, "runtime.d.ts"), runtime);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      extends: join(root, "tsconfig.worker.json"),
      compilerOptions: {
        composite: false,
        noEmit: true,
        emitDeclarationOnly: false,
        incremental: false,
        types: [],
      },
      include: [],
      files: [join(dir, "planted.ts"), join(dir, "runtime.d.ts")],
    }),
  );
  return run(bin("tsc"), ["-p", join(dir, "tsconfig.json")], root);
}

describe("npm run check refuses a planted violation of each of its parts", () => {
  const clean = 'export const greeting = "hello";\n';

  it("format: an unformatted file fails biome ci; the same file formatted passes", () => {
    expect(biome("format-ok", "worker/lib/planted.ts", clean).code).toBe(0);
    const bad = biome("format-bad", "worker/lib/planted.ts", 'export const greeting   =   "hello"\n');
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/format/i);
  });

  it("lint: sync importing from the API layer fails biome ci", () => {
    const text = 'import { ApiError } from "../api/errors";\n\nexport const error = ApiError;\n';
    expect(biome("layer-ok", "worker/api/planted.ts", text.replace("../api/errors", "./errors")).code).toBe(0);
    const bad = biome("layer-bad", "worker/sync/planted.ts", text);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/sit below the API/);
  });

  it("types: an unused local, an unused parameter and a DOM global in worker code fail tsc", () => {
    expect(tscWorker("types-ok", "export function twice(n: number) {\n  return n * 2;\n}\n").code).toBe(0);
    const unusedLocal = tscWorker("unused-local", "export function f() {\n  const spare = 1;\n  return 2;\n}\n");
    expect(unusedLocal.out).toMatch(/TS6133/);
    const unusedParam = tscWorker("unused-param", "export function f(n: number) {\n  return 2;\n}\n");
    expect(unusedParam.out).toMatch(/TS6133/);
    const dom = tscWorker("dom", "export const title = () => document.title;\n");
    expect(dom.out).toMatch(/Cannot find name 'document'/);
  });

  it("worker-configuration.d.ts: a binding added to wrangler.toml but not to the types fails wrangler types --check", () => {
    const dir = join(scratch, "types");
    mkdirSync(dir, { recursive: true });
    for (const f of ["wrangler.toml", "secrets.env.example", "worker-configuration.d.ts"])
      cpSync(join(root, f), join(dir, f));
    symlinkSync(join(root, "worker"), join(dir, "worker")); // the types name the Worker's main module
    const args = [
      "types",
      "worker-configuration.d.ts",
      "--include-runtime=true",
      "--env-file",
      "secrets.env.example",
      "--check",
    ];
    expect(run(bin("wrangler"), args, dir).code).toBe(0);
    const toml = readFileSync(join(dir, "wrangler.toml"), "utf8").replace("[vars]\n", '[vars]\nPLANTED_VAR = "1"\n');
    writeFileSync(join(dir, "wrangler.toml"), toml);
    expect(run(bin("wrangler"), args, dir).code).not.toBe(0);
  });
});
