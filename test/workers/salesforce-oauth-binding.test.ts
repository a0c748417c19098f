import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { resetFake } from "./connect";
import { call, newWorkspace } from "./helpers";
import { openPage } from "./page-session";

// The OAuth callback completes only in a browser signed in to the state's workspace. Without that,
// an authorize URL made with one workspace's key (or page) and sent to another company's admin
// would connect the admin's org to the sender's workspace once the admin clicked Allow.

const fake = inject("fakeOrgUrl");

type Ws = Awaited<ReturnType<typeof newWorkspace>>;

/** Starts connecting (with the given headers) and lets the fake org approve; returns our callback path. */
async function approvedCallback(headers: Record<string, string>): Promise<string> {
  const res = await call("/api/v1/connection/authorize", { method: "POST", headers });
  expect(res.status, await res.clone().text()).toBe(200);
  const { url } = (await res.json()) as { url: string };
  expect(url.startsWith(fake)).toBe(true);
  const approved = await fetch(url, { redirect: "manual" });
  expect(approved.status).toBe(302);
  const location = new URL(approved.headers.get("location") ?? "");
  return `${location.pathname}${location.search}`;
}

async function connectionStatus(ws: Ws): Promise<string> {
  return ((await (await call("/api/v1/connection", { headers: ws.auth })).json()) as { status: string }).status;
}

async function unspentStates(ws: Ws): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM oauth_states WHERE workspace_id = ? AND used_at IS NULL")
    .bind(ws.id)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("OAuth callback bound to the admin's browser", () => {
  beforeEach(resetFake);

  it("a crafted link approved in another workspace's browser connects nothing (403 workspace_mismatch)", async () => {
    const attacker = await newWorkspace("Attacker");
    const victim = await newWorkspace("Victim");
    const attackerPage = await openPage(attacker.auth);
    const victimPage = await openPage(victim.auth);
    // Both ways of starting: the attacker's API key and the attacker's own page (CSRF-checked).
    for (const start of [attacker.auth, attackerPage.headers(true)]) {
      const path = await approvedCallback(start);
      const res = await call(path, { redirect: "manual", headers: { cookie: victimPage.cookie } });
      expect(res.status).toBe(403);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("workspace_mismatch");
      expect(body.error.message).toMatch(/different workspace/);
      expect(body.error.message).toMatch(/nothing was connected/);
      expect(JSON.stringify(body)).not.toContain(attacker.id);
    }
    expect(await connectionStatus(attacker)).toBe("not_connected");
    expect(await connectionStatus(victim)).toBe("not_connected");
  });

  it("no page session: 401 sign_in_required, nothing connected, the state kept for a signed-in browser", async () => {
    const ws = await newWorkspace("No session");
    const path = await approvedCallback(ws.auth);
    const res = await call(path, { redirect: "manual" });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("sign_in_required");
    expect(body.error.message).toMatch(/signed in to this workspace/);
    expect(await connectionStatus(ws)).toBe("not_connected");
    expect(await unspentStates(ws)).toBe(1);
    // The API-key flow of Conversion's app: the admin finishes in a browser signed in to the workspace.
    const { cookie } = await openPage(ws.auth);
    const done = await call(path, { redirect: "manual", headers: { cookie } });
    expect(done.status, await done.clone().text()).toBe(302);
    expect(done.headers.get("location")).toBe("/settings/crm?connected=1");
    expect(await connectionStatus(ws)).toBe("connected");
  });

  it("an unknown or expired session cookie counts as none", async () => {
    const ws = await newWorkspace("Stale session");
    const path = await approvedCallback(ws.auth);
    const page = await openPage(ws.auth);
    await env.DB.prepare(
      "UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE workspace_id = ? AND kind = 'session'",
    )
      .bind(ws.id)
      .run();
    for (const cookie of ["cv_session=not-a-session", page.cookie]) {
      const res = await call(path, { redirect: "manual", headers: { cookie } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("sign_in_required");
    }
    expect(await connectionStatus(ws)).toBe("not_connected");
  });

  it("the page's Connect: started with the session (and CSRF token), finished by the same browser", async () => {
    const ws = await newWorkspace("Page connect");
    const page = await openPage(ws.auth);
    // Lax, not Strict: Salesforce's redirect to the callback is a cross-site top-level navigation.
    expect(page.setCookie).toMatch(/SameSite=Lax/i);
    const path = await approvedCallback(page.headers(true));
    const done = await call(path, { redirect: "manual", headers: { cookie: page.cookie } });
    expect(done.status, await done.clone().text()).toBe(302);
    expect(await connectionStatus(ws)).toBe("connected");
  });
});
