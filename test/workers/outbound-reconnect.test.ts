import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectWorkspace } from "./connect";
import {
  apiJson,
  apiWithoutSend,
  cronTick,
  linkedContacts,
  outboundSetup,
  pushed,
  setFaults,
  sfRecord,
  until,
} from "./outbound.fixtures";
import { fake, fakeUrl } from "./sync-helpers";

const pendingRows = async (workspaceId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE workspace_id = ? AND processed_at IS NULL")
    .bind(workspaceId)
    .first<{ n: number }>())!.n;

describe("while the connection needs reconnecting", () => {
  it("changes wait behind one Failed run that says what to do, and go out after Reconnect", async () => {
    const ws = await outboundSetup();
    const [lead, other] = await linkedContacts(ws, "Lead", [
      { email: "wait1@example.com" },
      { email: "wait2@example.com" },
    ]);
    // The org revokes the connection: the next push cannot authenticate.
    await setFaults({ expireAccessTokens: true, revokeRefreshTokens: true });
    await apiJson(ws, "PATCH", `/contacts/${lead!.contactId}`, { title: "Waited" });
    const [failed] = await pushed(ws, 1, { drained: false });
    expect(failed).toMatchObject({
      status: "failed",
      failure: {
        code: "authentication_failure",
        message: "Authentication failure",
        action: "Reconnect Salesforce from the Overview tab.",
      },
      counts: { created: 0, updated: 0, skipped: 0, failed: 0 },
    });
    expect((await apiJson(ws, "GET", "/connection")).status).toBe("needs_reconnect");

    // More changes, and several sweeps resending what waits: no new Failed run, nothing lost.
    await apiWithoutSend(ws, "PATCH", `/contacts/${other!.contactId}`, { title: "Also waited" });
    await apiWithoutSend(ws, "POST", "/contacts", { email: "new-while-away@example.com", lastName: "Away" });
    for (let i = 0; i < 3; i++) {
      await env.DB.prepare("UPDATE outbox SET sent_at = '2000-01-01T00:00:00.000Z' WHERE workspace_id = ?")
        .bind(ws.id)
        .run();
      await cronTick();
      await new Promise((r) => setTimeout(r, 1500));
    }
    const outbound = (await apiJson(ws, "GET", "/sync/runs?direction=outbound&limit=50")).runs;
    expect(outbound).toHaveLength(1);
    expect(await pendingRows(ws.id)).toBe(3);
    expect((await sfRecord("Lead", lead!.salesforceId)).Title).toBeNull();

    // Reconnect through the page's OAuth flow: what waited is pushed at once.
    await fake("DELETE", "/__fake/faults");
    await connectWorkspace(ws, fakeUrl());
    await until("the waiting changes pushed", async () => (await pendingRows(ws.id)) === 0);
    const runs = await pushed(ws, 3);
    expect(runs.map((r) => [r.status, r.counts.created, r.counts.updated])).toEqual([
      ["failed", 0, 0],
      ["completed", 0, 2],
      ["completed", 1, 0],
    ]);
    expect((await sfRecord("Lead", lead!.salesforceId)).Title).toBe("Waited");
    expect((await sfRecord("Lead", other!.salesforceId)).Title).toBe("Also waited");
  });
});
