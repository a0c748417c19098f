import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { SalesforceError } from "../../worker/salesforce";
import { fetchWithTimeout } from "../../worker/salesforce/http";
import { SALESFORCE_API_VERSION } from "../../worker/salesforce/version";
import { connectWorkspace, resetFake, setFaults } from "./connect";
import { newWorkspace, openStored } from "./helpers";

// fetchWithTimeout bounds a Salesforce call with a timer of its own, cleared once the answer's body is
// read (AbortSignal.timeout kept the whole queue invocation alive for its 30 s, cloudflare/workerd#4936).

const fake = inject("fakeOrgUrl");

async function leadQuery() {
  const ws = await newWorkspace();
  await connectWorkspace(ws, fake);
  const row = (await env.DB.prepare("SELECT access_token_enc FROM connections WHERE workspace_id = ?")
    .bind(ws.id)
    .first()) as { access_token_enc: string };
  const token = await openStored(ws.id, "access_token", row.access_token_enc);
  const url = `${fake}/services/data/${SALESFORCE_API_VERSION}/query?q=${encodeURIComponent("SELECT Id FROM Lead")}`;
  return { url, init: { headers: { authorization: `Bearer ${token}`, accept: "application/json" } } };
}

describe("fetchWithTimeout", () => {
  it("an answer in time reads whole, status and headers kept; one later than the timeout is a transient error naming only the host", async () => {
    await resetFake();
    const { url, init } = await leadQuery();
    const res = await fetchWithTimeout(url, init, 5_000);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(((await res.json()) as { records: unknown[] }).records.length).toBeGreaterThan(0);

    await setFaults({ slowPages: { object: "Lead", latencyMs: 2_000, times: 1 } });
    const started = Date.now();
    const err = await fetchWithTimeout(url, init, 300).then(
      () => null,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(1_900);
    expect(err).toBeInstanceOf(SalesforceError);
    expect(err).toMatchObject({
      transient: true,
      message: `Salesforce did not answer within 0.3 s (${new URL(fake).host})`,
    });
  });
});
