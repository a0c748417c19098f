import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { explainRefusal } from "../../worker/salesforce";
import { approvedCallback, clearFaults, resetFake, setFaults } from "./connect";
import { call, newWorkspace } from "./helpers";
import { openPage } from "./page-session";

// Salesforce's refusals while connecting, from the fake org (which refuses the way Salesforce Help's
// "OAuth 2.0 Authorization Errors" lists), come back as a sentence and what to do.

type Err = { error: { code: string; message: string; details: { salesforceError: string } } };

async function refusedCallback(refusal: { step: "authorize" | "token"; error: string; description: string }) {
  await setFaults({ oauthRefusal: refusal });
  const page = await openPage((await newWorkspace("Refused")).auth);
  const { callbackPath } = await approvedCallback(page);
  const res = await call(callbackPath, { redirect: "manual", headers: { cookie: page.cookie } });
  return { res, body: (await res.json()) as Err };
}

describe("Salesforce's refusals in words", () => {
  beforeEach(() => resetFake());
  afterEach(() => clearFaults());

  it.each([
    [
      "access_denied",
      "end-user denied authorization",
      "authorization_denied",
      /Deny was chosen.*Connect again and choose Allow/,
    ],
    [
      "OAUTH_APPROVAL_ERROR_GENERIC",
      "An unexpected error has occured during authentication. Please try again.",
      "authorization_failed",
      /policy of your org.*Ask your Salesforce admin/,
    ],
    ["OAUTH_APP_BLOCKED", "this app is blocked by admin", "authorization_failed", /is blocked.*unblock it/],
    [
      "OAUTH_APP_ACCESS_DENIED",
      "user is not admin approved to access this app",
      "authorization_failed",
      /pre-authorized users.*permission sets/,
    ],
    [
      "OAUTH_EC_APP_NOT_FOUND",
      "External client app is not installed in this org",
      "authorization_failed",
      /not installed.*install Conversion's package/,
    ],
    [
      "invalid_client_id",
      "client identifier invalid",
      "authorization_failed",
      /environment you chose.*test\.salesforce\.com/,
    ],
  ])("at authorize, %s → a sentence and what to do", async (error, description, code, words) => {
    const { res, body } = await refusedCallback({ step: "authorize", error, description });
    expect(res.status).toBe(400);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(words);
    expect(body.error.message).toContain(`(Salesforce said ${error}: ${description})`);
    expect(body.error.details.salesforceError).toBe(error);
  });

  it.each([
    ["invalid_grant", "inactive user", /deactivated or frozen.*active user/],
    ["inactive_user", "user is inactive", /deactivated or frozen/],
    ["inactive_org", "organization is locked", /locked, closed or suspended/],
    ["invalid_client", "app must be installed into org", /not installed.*install Conversion's package/],
    ["invalid_grant", "ip restricted", /network address.*Relax IP restrictions/],
  ])("at the code exchange, %s (%s) → a sentence and what to do", async (error, description, words) => {
    const { res, body } = await refusedCallback({ step: "token", error, description });
    expect(res.status).toBe(400);
    expect(body.error.code).toBe("authorization_failed");
    expect(body.error.message).toMatch(words);
    expect(body.error.details.salesforceError).toBe(error);
  });

  it("an unknown refusal keeps Salesforce's own words and says what to try", () => {
    const r = explainRefusal("something_new", "a reason nobody wrote down");
    expect(r.code).toBe("authorization_failed");
    expect(r.message).toBe(
      "Salesforce could not authorize the connection (something_new: a reason nobody wrote down). Connect again; if it keeps happening, send this message to your Salesforce admin.",
    );
  });
});
