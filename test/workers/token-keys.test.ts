import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { base64url } from "../../worker/lib/crypto";
import { openSalesforce, SalesforceError } from "../../worker/salesforce";
import { approvedCallback, connectWorkspace, resetFake, setFaults } from "./connect";
import { call, callWith, firstShard, newWorkspace, openStored } from "./helpers";
import { openPage } from "./page-session";

// TOKEN_ENCRYPTION_KEY is 32 random bytes in base64 or nothing works that needs it: no built-in key,
// no stretching of a passphrase. Tokens are sealed per workspace and column (AES-GCM additional
// data), TOKEN_ENCRYPTION_KEY_PREVIOUS still opens what it sealed, and the next write re-seals.

const fake = inject("fakeOrgUrl");
const KEY_2 = btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256)));
const BAD_KEYS: [string, string | undefined][] = [
  ["missing", undefined],
  ["empty", ""],
  ["a passphrase", "correct horse battery staple"],
  ["16 bytes", btoa("0123456789abcdef")],
  ["33 bytes", btoa("0123456789abcdef0123456789abcdef!")],
];

type Ws = Awaited<ReturnType<typeof newWorkspace>>;

async function connectionRow(ws: Ws) {
  return env.DB.prepare("SELECT * FROM connections WHERE workspace_id = ?")
    .bind(ws.id)
    .first<{ status: string; access_token_enc: string; refresh_token_enc: string }>();
}

async function misconfigured(res: Response, variable: string) {
  expect(res.status).toBe(500);
  const body = (await res.json()) as { error: { code: string; message: string; details: { variable: string } } };
  expect(body.error.code).toBe("server_misconfigured");
  expect(body.error.details.variable).toBe(variable);
  expect(body.error.message).toContain(variable);
  return body;
}

async function failure(p: Promise<unknown>): Promise<SalesforceError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SalesforceError);
  return err as SalesforceError;
}

/** A value in the old format (v1: no key id, no additional data) sealed with raw key bytes. */
async function sealV1(raw: Uint8Array<ArrayBuffer>, plain: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(plain));
  return `v1.${base64url(iv)}.${base64url(new Uint8Array(ct))}`;
}

const rawKey = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

describe("TOKEN_ENCRYPTION_KEY missing or malformed: 500 server_misconfigured, nothing stored", () => {
  beforeEach(() => resetFake());

  it("starting to connect stores no state", async () => {
    const ws = await newWorkspace("No key: authorize");
    const page = await openPage(ws.auth);
    for (const [what, value] of BAD_KEYS) {
      const res = await callWith({ TOKEN_ENCRYPTION_KEY: value }, "/api/v1/connection/authorize", {
        method: "POST",
        headers: page.headers(true),
      });
      await misconfigured(res, "TOKEN_ENCRYPTION_KEY").catch((e) => {
        throw new Error(`${what}: ${e}`);
      });
    }
    const states = await env.DB.prepare("SELECT count(*) AS n FROM oauth_states WHERE workspace_id = ?")
      .bind(ws.id)
      .first<{ n: number }>();
    expect(states?.n).toBe(0);
  });

  it("the callback of a Worker started without the key connects nothing and spends nothing", async () => {
    const ws = await newWorkspace("No key: callback");
    const page = await openPage(ws.auth);
    const { callbackPath } = await approvedCallback(page);
    for (const [, value] of BAD_KEYS) {
      const res = await callWith({ TOKEN_ENCRYPTION_KEY: value }, callbackPath, {
        redirect: "manual",
        headers: { cookie: page.cookie },
      });
      await misconfigured(res, "TOKEN_ENCRYPTION_KEY");
    }
    expect(await connectionRow(ws)).toBeNull();
    // Once the key is there, the same callback completes: the state and the code were left alone.
    const done = await call(callbackPath, { redirect: "manual", headers: { cookie: page.cookie } });
    expect(done.status, await done.clone().text()).toBe(302);
    expect((await connectionRow(ws))?.status).toBe("connected");
  });

  it("a malformed TOKEN_ENCRYPTION_KEY_PREVIOUS is named too", async () => {
    const page = await openPage((await newWorkspace("Bad previous")).auth);
    const res = await callWith({ TOKEN_ENCRYPTION_KEY_PREVIOUS: "not a key" }, "/api/v1/connection/authorize", {
      method: "POST",
      headers: page.headers(true),
    });
    await misconfigured(res, "TOKEN_ENCRYPTION_KEY_PREVIOUS");
  });

  it("disconnecting keeps the connection (its token could not be revoked), and a sync fails naming the variable", async () => {
    const ws = await newWorkspace("No key: connected");
    await connectWorkspace(ws, fake);
    const before = await connectionRow(ws);
    await misconfigured(
      await callWith({ TOKEN_ENCRYPTION_KEY: undefined }, "/api/v1/connection", { method: "DELETE", headers: ws.auth }),
      "TOKEN_ENCRYPTION_KEY",
    );
    expect(await connectionRow(ws)).toEqual(before);
    const err = await failure(openSalesforce({ ...firstShard, TOKEN_ENCRYPTION_KEY: "" } as typeof firstShard, ws.id));
    expect(err.failureCode).toBe("unknown_error");
    expect(err.message).toContain("TOKEN_ENCRYPTION_KEY");
    // Nothing was marked: fixing the variable is all it takes.
    expect((await connectionRow(ws))?.status).toBe("connected");
    await (await openSalesforce(firstShard, ws.id)).limits();
  });
});

describe("sealed tokens", () => {
  beforeEach(() => resetFake());

  it("are bound to their workspace: a ciphertext copied into another workspace's row does not open", async () => {
    const a = await newWorkspace("Sealed A");
    const b = await newWorkspace("Sealed B");
    await connectWorkspace(a, fake);
    await connectWorkspace(b, fake);
    const rowA = (await connectionRow(a))!;
    await env.DB.prepare("UPDATE connections SET access_token_enc = ?, refresh_token_enc = ? WHERE workspace_id = ?")
      .bind(rowA.access_token_enc, rowA.refresh_token_enc, b.id)
      .run();
    const err = await failure(openSalesforce(firstShard, b.id));
    expect(err.failureCode).toBe("authentication_failure");
    expect(err.message).toMatch(/cannot be decrypted/);
    // And the refresh token's ciphertext does not open as an access token of the same workspace.
    await env.DB.prepare("UPDATE connections SET access_token_enc = refresh_token_enc WHERE workspace_id = ?")
      .bind(a.id)
      .run();
    expect((await failure(openSalesforce(firstShard, a.id))).failureCode).toBe("authentication_failure");
  });

  it("rotation: the previous key opens them, and the next write seals both tokens with the current key", async () => {
    const ws = await newWorkspace("Rotation");
    await connectWorkspace(ws, fake);
    const old = (await connectionRow(ws))!;
    const refreshBefore = await openStored(ws.id, "refresh_token", old.refresh_token_enc);
    const rotated = {
      ...firstShard,
      TOKEN_ENCRYPTION_KEY: KEY_2,
      TOKEN_ENCRYPTION_KEY_PREVIOUS: env.TOKEN_ENCRYPTION_KEY,
    };
    const newOnly = { ...firstShard, TOKEN_ENCRYPTION_KEY: KEY_2 } as typeof firstShard;
    // Without the previous key the old tokens do not open under the new one.
    expect((await failure(openSalesforce(newOnly, ws.id))).failureCode).toBe("authentication_failure");
    // With it they do; the access token expires, the refresh writes both sealed with the new key.
    const sf = await openSalesforce(rotated, ws.id);
    await setFaults({ expireAccessTokens: true });
    await sf.limits();
    const after = (await connectionRow(ws))!;
    const keyId = (sealed: string) => sealed.split(".")[1];
    expect(keyId(after.access_token_enc)).not.toBe(keyId(old.access_token_enc));
    expect(keyId(after.refresh_token_enc)).toBe(keyId(after.access_token_enc));
    // The new key alone now opens them, and the old one no longer does.
    await (await openSalesforce(newOnly, ws.id)).limits();
    expect((await failure(openSalesforce(firstShard, ws.id))).failureCode).toBe("authentication_failure");
    expect(refreshBefore.length).toBeGreaterThan(10);
  });

  it("migration: v1 values (no additional data) open with the configured key and are re-sealed at the next write", async () => {
    const ws = await newWorkspace("Legacy v1");
    await connectWorkspace(ws, fake);
    const row = (await connectionRow(ws))!;
    const access = await openStored(ws.id, "access_token", row.access_token_enc);
    const refresh = await openStored(ws.id, "refresh_token", row.refresh_token_enc);
    const key = rawKey(env.TOKEN_ENCRYPTION_KEY);
    await env.DB.prepare("UPDATE connections SET access_token_enc = ?, refresh_token_enc = ? WHERE workspace_id = ?")
      .bind(await sealV1(key, access), await sealV1(key, refresh), ws.id)
      .run();
    const sf = await openSalesforce(firstShard, ws.id);
    await setFaults({ expireAccessTokens: true });
    await sf.limits();
    const after = (await connectionRow(ws))!;
    expect(after.access_token_enc).toMatch(/^v2\./);
    expect(after.refresh_token_enc).toMatch(/^v2\./);
  });

  it("a v1 value sealed under the old built-in key (SHA-256 of an empty key) does not open: reconnect", async () => {
    const ws = await newWorkspace("Known key");
    await connectWorkspace(ws, fake);
    const row = (await connectionRow(ws))!;
    const access = await openStored(ws.id, "access_token", row.access_token_enc);
    const known = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(0)));
    await env.DB.prepare("UPDATE connections SET access_token_enc = ?, refresh_token_enc = NULL WHERE workspace_id = ?")
      .bind(await sealV1(known, access), ws.id)
      .run();
    const err = await failure(openSalesforce(firstShard, ws.id));
    expect(err.failureCode).toBe("authentication_failure");
  });
});
