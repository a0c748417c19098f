// README's curl examples run as written against a running stack (wrangler dev, local D1 and queues,
// the fake org): each answers 2xx, and the answer matches the published OpenAPI document. Only the
// host changes (the stack listens on a free port, not 8787), and the steps the README leaves to a
// person are done here the way the README says: the placeholders (`ADMIN=…`) get the values their
// comment names, and the admin's browser connects Salesforce before the first sync request.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, connectPage, type Stack, startStack } from "../../scripts/stack.ts";
import { type Checker, createChecker, mismatch } from "../contract-check.ts";
import { ensureWebBuilt } from "./browser/web-build.ts";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const README_HOST = "localhost:8787";

/** The shell lines of README's ```sh blocks that run curl, with the placeholder assignments among them. */
function examples(): string[] {
  const blocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .filter((b) => /^curl /m.test(b))
    .flatMap((b) => b.split("\n"))
    .filter((line) => /^(curl |[A-Z_]+=)/.test(line));
}

type Json = Record<string, any>;

let stack: Stack;
let dir: string;
let checker: Checker;

beforeAll(async () => {
  await ensureWebBuilt();
  dir = mkdtempSync(join(tmpdir(), "readme-stack-"));
  stack = await startStack({ persistDir: dir, fakeCounts: { Account: 5, Contact: 10, Lead: 10, Opportunity: 3 } });
  checker = createChecker(await (await fetch(`${stack.appUrl}/api/v1/openapi.json`)).json());
});

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("README's curl examples", () => {
  it("are there to run: the admin's workspace, a key's calls, Sync now and the runs", () => {
    const lines = examples();
    expect(lines.filter((l) => l.startsWith("curl ")).length).toBeGreaterThanOrEqual(4);
    expect(lines.some((l) => l.includes("/api/v1/admin/workspaces"))).toBe(true);
    expect(lines.some((l) => l.includes("/api/v1/sync/inbound"))).toBe(true);
  });

  it("run as written: every one answers 2xx, as the OpenAPI document says", async () => {
    const host = new URL(stack.appUrl).host;
    const vars: Record<string, string> = {};
    let last: Json = {};
    let connected = false;
    /** A sign-in link an answer gave: the admin opens it and clicks Connect Salesforce. */
    let signInLink: string | null = null;
    // What each placeholder's comment asks for.
    const placeholders: Record<string, () => string> = {
      ADMIN: () => stack.adminToken,
      KEY: () => last.apiKey,
    };
    for (const line of examples()) {
      const assignment = line.match(/^([A-Z_]+)=…/);
      if (assignment) {
        const name = assignment[1]!;
        expect(placeholders[name], `a placeholder the test knows: ${line}`).toBeDefined();
        vars[name] = placeholders[name]!();
        expect(vars[name], line).toEqual(expect.any(String));
        continue;
      }
      if (/\/api\/v1\/sync\//.test(line) && !connected) {
        if (signInLink) await connectPage(stack.appUrl, signInLink);
        else await connect(stack, vars.KEY!);
        connected = true;
      }
      const command = line
        .replaceAll(README_HOST, host)
        .replace(/^curl /, `curl -w '\\n%{http_code} %{content_type}' `);
      const out = execFileSync("bash", ["-c", command], {
        env: { PATH: process.env.PATH, ...vars } as unknown as NodeJS.ProcessEnv,
        encoding: "utf8",
      });
      const cut = out.lastIndexOf("\n");
      const text = out.slice(0, cut);
      const [code, contentType = ""] = out.slice(cut + 1).split(" ", 2) as [string, string?];
      const status = Number(code);
      expect(status, `${line}\n→ ${status} ${text}`).toBeGreaterThanOrEqual(200);
      expect(status, `${line}\n→ ${status} ${text}`).toBeLessThan(300);
      const method = line.match(/-X (\w+)/)?.[1] ?? "GET";
      const url = line.match(/"?(localhost:8787[^"\s]*)"?/)![1]!;
      const error = mismatch(checker, method, `http://${url}`, {
        status,
        headers: new Headers({ "content-type": contentType }),
        text,
      });
      expect(error?.message ?? null, line).toBeNull();
      last = text.trim() ? JSON.parse(text) : {};
      if (typeof last.url === "string" && last.url.includes("/launch")) signInLink = last.url;
    }
  });
});

describe("wrangler dev (npm start)", () => {
  it("enforces wrangler.toml's rate limits: the 21st failed authentication from one address is a 429", async () => {
    // Miniflare sets CF-Connecting-IP only when a request has none, so a local test can pick its address.
    const attempt = () =>
      fetch(`${stack.appUrl}/api/v1/settings`, {
        headers: { authorization: "Bearer cvk_not_a_key", "cf-connecting-ip": "192.0.2.44" },
      });
    // Miniflare's windows are aligned to the clock: all 21 within one.
    const into = Date.now() % 60_000;
    if (into > 50_000) await new Promise((r) => setTimeout(r, 60_000 - into + 50));
    for (let i = 0; i < 20; i++) {
      const res = await attempt();
      await res.arrayBuffer();
      expect(res.status).toBe(401);
    }
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(((await limited.json()) as Json).error.code).toBe("rate_limited");
  });
});
