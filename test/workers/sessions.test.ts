import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { pruneCredentials } from "../../worker/sync/retention";
import { ADMIN, call, callWith, jsonInit, newWorkspace } from "./helpers";
import { exchange, launchToken, launchUrl, openPage } from "./page-session";

// Page sessions end: with the API key that minted them, on sign-out, 12 hours after sign-in, after
// 2 hours unused; and a launch link opened in a browser signed in to another workspace asks first.

async function addKey(workspaceId: string) {
  const res = await call(`/api/v1/admin/workspaces/${workspaceId}/api-keys`, { method: "POST", headers: ADMIN });
  expect(res.status).toBe(201);
  const key = (await res.json()) as { id: string; apiKey: string };
  return { ...key, auth: { authorization: `Bearer ${key.apiKey}` } };
}

async function revoke(workspaceId: string, keyId: string) {
  const res = await call(`/api/v1/admin/workspaces/${workspaceId}/api-keys/${keyId}`, {
    method: "DELETE",
    headers: ADMIN,
  });
  expect(res.status).toBe(204);
}

const readStatus = async (headers: Record<string, string>) => (await call("/api/v1/settings", { headers })).status;

async function setSession(cookie: string, column: "expires_at" | "last_seen_at", minutesAgo: number) {
  const secret = cookie.split("=")[1]!;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)));
  const id = btoa(String.fromCharCode(...digest))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
  await env.DB.prepare(`UPDATE sessions SET ${column} = ? WHERE id = ?`)
    .bind(new Date(Date.now() - minutesAgo * 60_000).toISOString(), id)
    .run();
}

describe("a session belongs to the API key that minted it", () => {
  it("revoking the key ends its sessions and unspent launch links; another key's session lives on", async () => {
    const ws = await newWorkspace("Revoked key");
    const second = await addKey(ws.id);
    const doomed = await openPage(second.auth);
    const unspent = launchToken(await launchUrl(second.auth));
    const kept = await openPage(ws.auth);
    expect(await readStatus(doomed.headers())).toBe(200);
    await revoke(ws.id, second.id);
    const refused = await call("/api/v1/settings", { headers: doomed.headers() });
    expect(refused.status).toBe(401);
    expect(
      (await call("/api/v1/settings", jsonInit("PATCH", { syncIntervalMinutes: 7 }, doomed.headers(true)))).status,
    ).toBe(401);
    expect((await exchange(unspent)).status).toBe(401);
    expect(await readStatus(kept.headers())).toBe(200);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE api_key_id = ?")
      .bind(second.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });

  it("a session whose key is revoked another way (the column set directly) is refused all the same", async () => {
    const ws = await newWorkspace("Revoked in D1");
    const page = await openPage(ws.auth);
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE workspace_id = ?")
      .bind(new Date().toISOString(), ws.id)
      .run();
    expect(await readStatus(page.headers())).toBe(401);
  });

  it("minting launch links takes an API key, never the page's cookie", async () => {
    const ws = await newWorkspace("Mint");
    const page = await openPage(ws.auth);
    const res = await call("/api/v1/sessions", { method: "POST", headers: page.headers(true) });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("api_key_required");
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM sessions WHERE workspace_id = ? AND kind = 'launch' AND used_at IS NULL",
    )
      .bind(ws.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });
});

describe("signing out", () => {
  it("POST /session/logout ends the current session (204) and clears the cookie", async () => {
    const ws = await newWorkspace("Logout");
    const page = await openPage(ws.auth);
    const other = await openPage(ws.auth);
    const res = await call("/api/v1/session/logout", { method: "POST", headers: page.headers(true) });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/^cv_session=;.*Max-Age=0/i);
    expect(await readStatus(page.headers())).toBe(401);
    expect(await readStatus(other.headers())).toBe(200);
    const again = await call("/api/v1/session/logout", { method: "POST", headers: page.headers(true) });
    expect(again.status).toBe(401);
  });

  it("needs the page's session: an API key is a 403, a missing CSRF token too", async () => {
    const ws = await newWorkspace("Logout key");
    const byKey = await call("/api/v1/session/logout", { method: "POST", headers: ws.auth });
    expect(byKey.status).toBe(403);
    expect(((await byKey.json()) as { error: { code: string } }).error.code).toBe("page_session_required");
    const page = await openPage(ws.auth);
    const noCsrf = await call("/api/v1/session/logout", { method: "POST", headers: page.headers() });
    expect(noCsrf.status).toBe(403);
    expect(await readStatus(page.headers())).toBe(200);
  });
});

describe("sessions expire", () => {
  it("12 hours after sign-in, whatever the use", async () => {
    const page = await openPage((await newWorkspace("Absolute")).auth);
    await setSession(page.cookie, "expires_at", 1);
    expect(await readStatus(page.headers())).toBe(401);
  });

  it("after 2 hours unused; use keeps a session alive", async () => {
    const ws = await newWorkspace("Idle");
    const idle = await openPage(ws.auth);
    const used = await openPage(ws.auth);
    await setSession(idle.cookie, "last_seen_at", 121);
    await setSession(used.cookie, "last_seen_at", 119);
    expect(await readStatus(idle.headers())).toBe(401);
    expect(await readStatus(used.headers())).toBe(200);
    // That request counted as use: the session is fresh again.
    const row = await env.DB.prepare("SELECT max(last_seen_at) AS seen FROM sessions WHERE workspace_id = ?")
      .bind(ws.id)
      .first<{ seen: string }>();
    expect(Date.now() - Date.parse(row!.seen)).toBeLessThan(60_000);
  });

  it("the limits are configurable (SESSION_IDLE_MINUTES, SESSION_MAX_AGE_MINUTES); a bad value is named", async () => {
    const ws = await newWorkspace("Configured");
    const page = await openPage(ws.auth);
    await setSession(page.cookie, "last_seen_at", 10);
    expect(
      (await callWith({ SESSION_IDLE_MINUTES: "5" }, "/api/v1/settings", { headers: page.headers() })).status,
    ).toBe(401);
    expect(await readStatus(page.headers())).toBe(200);
    const token = launchToken(await launchUrl(ws.auth));
    const short = await callWith(
      { SESSION_MAX_AGE_MINUTES: "30", SESSION_IDLE_MINUTES: "10" },
      "/api/v1/session/launch",
      jsonInit("POST", { token }, { origin: "http://localhost" }),
    );
    expect(short.headers.get("set-cookie")).toContain("Max-Age=1800");
    const bad = await callWith({ SESSION_IDLE_MINUTES: "two hours" }, "/api/v1/settings", { headers: page.headers() });
    expect(bad.status).toBe(500);
    const body = (await bad.json()) as { error: { code: string; details: { variable: string } } };
    expect(body.error.code).toBe("server_misconfigured");
    expect(body.error.details.variable).toBe("SESSION_IDLE_MINUTES");
  });
});

describe("opening a launch link while signed in to another workspace", () => {
  it("asks first, naming both workspaces; nothing changes until the switch is confirmed", async () => {
    const mine = await newWorkspace("Northwind Traders");
    const theirs = await newWorkspace("Umbrella Corp");
    const page = await openPage(mine.auth);
    const token = launchToken(await launchUrl(theirs.auth));
    const asked = await exchange(token, { cookie: page.cookie });
    expect(asked.status).toBe(409);
    expect(asked.headers.get("set-cookie")).toBeNull();
    const body = (await asked.json()) as {
      error: { code: string; message: string; details: { current: { name: string }; next: { name: string } } };
    };
    expect(body.error.code).toBe("switch_workspace");
    expect(body.error.message).toContain("Northwind Traders");
    expect(body.error.message).toContain("Umbrella Corp");
    expect(body.error.details.current.name).toBe("Northwind Traders");
    expect(body.error.details.next.name).toBe("Umbrella Corp");
    // Still signed in where it was; the link is not spent.
    const me = await call("/api/v1/session", { headers: page.headers() });
    expect(((await me.json()) as { workspace: { id: string } }).workspace.id).toBe(mine.id);

    const switched = await exchange(token, { cookie: page.cookie }, { switchWorkspace: true });
    expect(switched.status).toBe(200);
    const cookie = (switched.headers.get("set-cookie") ?? "").split(";")[0]!;
    const now = await call("/api/v1/session", { headers: { cookie } });
    expect(((await now.json()) as { workspace: { id: string } }).workspace.id).toBe(theirs.id);
    // The session it replaced is over.
    expect(await readStatus(page.headers())).toBe(401);
  });

  it("a link of the same workspace opens without asking", async () => {
    const ws = await newWorkspace("Same");
    const page = await openPage(ws.auth);
    const res = await exchange(launchToken(await launchUrl(ws.auth)), { cookie: page.cookie });
    expect(res.status).toBe(200);
  });

  it("the exchange only answers pages on PUBLIC_URL, and launch links carry the token in the fragment", async () => {
    const ws = await newWorkspace("Origin");
    const url = await launchUrl(ws.auth);
    expect(new URL(url).search).toBe("");
    expect(new URL(url).pathname).toBe("/launch");
    const token = launchToken(url);
    for (const origin of [undefined, "https://attacker.example", "null"]) {
      const res = await call(
        "/api/v1/session/launch",
        jsonInit("POST", { token }, origin === undefined ? {} : { origin }),
      );
      expect(res.status, String(origin)).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("origin_mismatch");
    }
    expect((await exchange(token)).status).toBe(200);
  });
});

describe("the retention cron prunes what can no longer sign anyone in", () => {
  it("expired and idle sessions, spent and old launch links, revoked keys' sessions, day-old OAuth states", async () => {
    const ws = await newWorkspace("Prune");
    const extra = await addKey(ws.id);
    const live = await openPage(ws.auth);
    const expired = await openPage(ws.auth);
    const idle = await openPage(ws.auth);
    const ofRevoked = await openPage(extra.auth);
    const unspent = launchToken(await launchUrl(ws.auth));
    const old = launchToken(await launchUrl(ws.auth));
    await setSession(expired.cookie, "expires_at", 1);
    await setSession(idle.cookie, "last_seen_at", 180);
    await setSession(`x=${old}`, "expires_at", 1);
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ?")
      .bind(new Date().toISOString(), extra.id)
      .run();
    await env.DB.prepare(
      "INSERT INTO oauth_states (id, workspace_id, session_id, login_url, code_verifier, expires_at) VALUES ('old-state', ?, 's', NULL, 'v', ?), ('fresh-state', ?, 's', NULL, 'v', ?)",
    )
      .bind(
        ws.id,
        new Date(Date.now() - 25 * 3600_000).toISOString(),
        ws.id,
        new Date(Date.now() + 600_000).toISOString(),
      )
      .run();
    const count = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE workspace_id = ?")
        .bind(ws.id)
        .first<{ n: number }>())!.n;
    // 4 launch links spent by openPage, 4 sessions, 2 unspent launch links.
    expect(await count()).toBe(10);
    const pruned = await pruneCredentials(env);
    expect(pruned.states).toBeGreaterThanOrEqual(1);
    // Left: the live session and the unspent, unexpired launch link.
    expect(await count()).toBe(2);
    expect(await readStatus(live.headers())).toBe(200);
    expect((await exchange(unspent)).status).toBe(200);
    expect(ofRevoked.cookie).toBeTruthy();
    const states = await env.DB.prepare("SELECT id FROM oauth_states WHERE workspace_id = ?").bind(ws.id).all();
    expect(states.results.map((r) => r.id)).toEqual(["fresh-state"]);
  });
});
