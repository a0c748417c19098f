import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { approvedCallback, resetFake } from "./connect";
import { call, newWorkspace } from "./helpers";
import { openPage } from "./page-session";

// The OAuth state names the page session that started connecting, and the callback completes only
// in that session. Binding it to the workspace was not enough: a victim who opened the attacker's
// launch link had a session in the attacker's workspace, so the attacker's authorize link then
// connected the victim's org (read and write) to the attacker's workspace.

type Ws = Awaited<ReturnType<typeof newWorkspace>>;

async function connectionStatus(ws: Ws): Promise<string> {
  return ((await (await call("/api/v1/connection", { headers: ws.auth })).json()) as { status: string }).status;
}

async function unspentStates(ws: Ws): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM oauth_states WHERE workspace_id = ? AND used_at IS NULL")
    .bind(ws.id)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function expectMismatch(res: Response) {
  expect(res.status).toBe(403);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("state_session_mismatch");
  expect(body.error.message).toMatch(/nothing was connected/);
  return body;
}

describe("OAuth callback bound to the page session that started it", () => {
  beforeEach(() => resetFake());

  it("the two-link login CSRF: the attacker's session, even in the attacker's own workspace, connects nothing", async () => {
    const attacker = await newWorkspace("Attacker");
    const attackerPage = await openPage(attacker.auth);
    // Link 1: the attacker's launch link, opened (and the switch confirmed) in the victim's browser.
    const victimBrowser = await openPage(attacker.auth);
    // Link 2: the attacker's authorize link, started in the attacker's own page session.
    const { callbackPath } = await approvedCallback(attackerPage);
    const body = await expectMismatch(
      await call(callbackPath, { redirect: "manual", headers: { cookie: victimBrowser.cookie } }),
    );
    expect(JSON.stringify(body)).not.toContain(attacker.id);
    expect(await connectionStatus(attacker)).toBe("not_connected");
    // The state is not spent by the refusal: the attacker's own browser could still finish it.
    expect(await unspentStates(attacker)).toBe(1);
  });

  it("a link approved in another workspace's browser connects nothing either", async () => {
    const attacker = await newWorkspace("Attacker");
    const victim = await newWorkspace("Victim");
    const { callbackPath } = await approvedCallback(await openPage(attacker.auth));
    const victimPage = await openPage(victim.auth);
    await expectMismatch(await call(callbackPath, { redirect: "manual", headers: { cookie: victimPage.cookie } }));
    expect(await connectionStatus(attacker)).toBe("not_connected");
    expect(await connectionStatus(victim)).toBe("not_connected");
  });

  it("no page session, or an unknown or expired one, is a mismatch too; the session that started it still finishes", async () => {
    const ws = await newWorkspace("No session");
    const page = await openPage(ws.auth);
    const { callbackPath } = await approvedCallback(page);
    await expectMismatch(await call(callbackPath, { redirect: "manual" }));
    await expectMismatch(
      await call(callbackPath, { redirect: "manual", headers: { cookie: "cv_session=not-a-session" } }),
    );
    expect(await connectionStatus(ws)).toBe("not_connected");
    expect(await unspentStates(ws)).toBe(1);
    const done = await call(callbackPath, { redirect: "manual", headers: { cookie: page.cookie } });
    expect(done.status, await done.clone().text()).toBe(302);
    expect(done.headers.get("location")).toBe("/settings/crm?connected=1");
    expect(await connectionStatus(ws)).toBe("connected");
  });

  it("an expired page session cannot finish what it started", async () => {
    const ws = await newWorkspace("Stale session");
    const page = await openPage(ws.auth);
    const { callbackPath } = await approvedCallback(page);
    await env.DB.prepare(
      "UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE workspace_id = ? AND kind = 'session'",
    )
      .bind(ws.id)
      .run();
    await expectMismatch(await call(callbackPath, { redirect: "manual", headers: { cookie: page.cookie } }));
    expect(await connectionStatus(ws)).toBe("not_connected");
  });

  it("the page's Connect: SameSite=Lax so Salesforce's redirect carries the cookie back to the same session", async () => {
    const ws = await newWorkspace("Page connect");
    const page = await openPage(ws.auth);
    // Lax, not Strict: Salesforce's redirect to the callback is a cross-site top-level navigation.
    expect(page.setCookie).toMatch(/SameSite=Lax/i);
    const { callbackPath } = await approvedCallback(page);
    const done = await call(callbackPath, { redirect: "manual", headers: { cookie: page.cookie } });
    expect(done.status, await done.clone().text()).toBe(302);
    expect(await connectionStatus(ws)).toBe("connected");
  });
});
