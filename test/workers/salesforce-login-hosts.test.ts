import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { openSalesforce } from "../../worker/salesforce";
import { connectWorkspace, fakeCalls, resetFake, setFaults } from "./connect";
import { call, firstShard, jsonInit, newWorkspace } from "./helpers";
import { openPage } from "./page-session";

// Any org connects: production at the deployment's login host, a sandbox at test.salesforce.com, an
// org that allows login only through its My Domain at https://<name>.my.salesforce.com. The fake org
// answers on two more ports: the tests' sandbox login host, and a My Domain let through by the
// SALESFORCE_EXTRA_LOGIN_ORIGINS configuration (vitest.config.ts). Authorize, token exchange,
// refresh and revoke must all go to the host chosen when connecting.

const fake = inject("fakeOrgUrl");
const [sandboxHost, myDomainHost] = inject("fakeOrgAliases") as [string, string];

const hostOf = (origin: string) => new URL(origin).host;

/** The fake's login-host calls (authorize, token, revoke) since `from`, as [kind, host]. */
async function loginCalls(from: number) {
  return (await fakeCalls())
    .slice(from)
    .filter((c) => c.kind.startsWith("oauth_"))
    .map((c) => [c.kind, (c as { host?: string }).host]);
}

async function authorizeWith(choice: unknown) {
  const page = await openPage((await newWorkspace("Hosts")).auth);
  return call("/api/v1/connection/authorize", jsonInit("POST", choice, page.headers(true)));
}

describe("the login host chosen when connecting", () => {
  beforeEach(() => resetFake());

  for (const [environment, choice, origin] of [
    ["sandbox", { environment: "sandbox" }, sandboxHost],
    ["custom", { environment: "custom", myDomain: myDomainHost }, myDomainHost],
  ] as const) {
    it(`${environment}: authorize, token, refresh and revoke all go to ${environment === "sandbox" ? "the sandbox host" : "the My Domain"}`, async () => {
      expect(hostOf(origin)).not.toBe(hostOf(fake));
      const ws = await newWorkspace(`Host ${environment}`);
      const from = (await fakeCalls()).length;
      const { authorizeUrl } = await connectWorkspace(ws, fake, choice);
      expect(new URL(authorizeUrl).origin).toBe(origin);
      const conn = (await (await call("/api/v1/connection", { headers: ws.auth })).json()) as Record<string, unknown>;
      expect(conn).toMatchObject({ status: "connected", environment, loginUrl: origin });

      const sf = await openSalesforce(firstShard, ws.id);
      await setFaults({ expireAccessTokens: true });
      await sf.limits();
      expect((await call("/api/v1/connection", { method: "DELETE", headers: ws.auth })).status).toBe(204);

      expect(await loginCalls(from)).toEqual([
        ["oauth_authorize", hostOf(origin)],
        ["oauth_token", hostOf(origin)],
        ["oauth_token", hostOf(origin)],
        ["oauth_revoke", hostOf(origin)],
      ]);
    });
  }

  it("production (the default) stays on SALESFORCE_LOGIN_URL", async () => {
    const ws = await newWorkspace("Host production");
    const from = (await fakeCalls()).length;
    const { authorizeUrl } = await connectWorkspace(ws, fake, { environment: "production" });
    expect(new URL(authorizeUrl).origin).toBe(fake);
    expect((await loginCalls(from)).map(([, host]) => host)).toEqual([hostOf(fake), hostOf(fake)]);
  });

  it("real My Domain forms are accepted and name the authorize URL's host", async () => {
    for (const myDomain of [
      "https://acme.my.salesforce.com",
      "https://acme.my.salesforce.com/",
      "https://Acme--UAT.sandbox.my.salesforce.com",
      "https://acme-dev-ed.develop.my.salesforce.com",
    ]) {
      const res = await authorizeWith({ myDomain });
      expect(res.status, myDomain).toBe(200);
      const url = new URL(((await res.json()) as { url: string }).url);
      expect(`${url.origin}${url.pathname}`).toBe(`${new URL(myDomain).origin}/services/oauth2/authorize`);
    }
  });

  it("a myDomain that is not an https Salesforce My Domain is a 400 naming myDomain, and starts nothing", async () => {
    const bad: unknown[] = [
      { environment: "custom", myDomain: "https://evil.example.com" },
      { environment: "custom", myDomain: "http://acme.my.salesforce.com" },
      { environment: "custom", myDomain: "https://acme.my.salesforce.com/services/oauth2" },
      { environment: "custom", myDomain: "https://acme.my.salesforce.com:8443" },
      { environment: "custom", myDomain: "https://user:pw@acme.my.salesforce.com" },
      { environment: "custom", myDomain: "https://acme.my.salesforce.com.evil.example" },
      { environment: "custom", myDomain: "https://login.salesforce.com" },
      { environment: "custom", myDomain: "acme" },
      { environment: "custom", myDomain: "" },
      { environment: "custom" },
      { environment: "sandbox", myDomain: "https://acme.my.salesforce.com" },
      // The fake org's plain address is not let through: only the configured origin is.
      { environment: "custom", myDomain: fake },
    ];
    const states = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM oauth_states").first<{ n: number }>())?.n;
    const before = await states();
    for (const choice of bad) {
      const res = await authorizeWith(choice);
      const body = (await res.json()) as {
        error: { code: string; message: string; details: { issues: { field: string }[] } };
      };
      expect(res.status, JSON.stringify(choice)).toBe(400);
      expect(body.error.message).toContain("'myDomain'");
      expect(body.error.details.issues[0]!.field).toBe("myDomain");
    }
    expect(await states()).toBe(before);
  });
});
