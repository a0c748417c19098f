// Salesforce's refusals while connecting, in words and with what to do. They arrive two ways: as
// `error`/`error_description` on the redirect back to our callback (the authorize step) and as the
// token endpoint's `{error, error_description}` when the code is exchanged. Codes and meanings are
// from Salesforce Help, "OAuth 2.0 Authorization Errors" (remoteaccess_oauth_flow_errors.htm) and
// "External Client Apps" (external_client_apps.htm); see README, "Connecting a customer's org".

type Refusal = { sentence: string; action: string };

const ASK_ADMIN_INSTALL =
  "Ask your Salesforce admin to install Conversion's package in the org (it brings the Conversion app and the " +
  "Conversion_Id__c field), or to pre-authorize the app for your user, then connect again.";

const REFUSALS: Record<string, Refusal> = {
  access_denied: {
    sentence: "Salesforce access was not granted: Deny was chosen on Salesforce's page.",
    action: "Connect again and choose Allow.",
  },
  OAUTH_APPROVAL_ERROR_GENERIC: {
    sentence:
      "Salesforce stopped the approval before it was shown, which usually means a policy of your org blocks the " +
      "Conversion app for this user (its OAuth policies, permitted users, IP ranges or session settings).",
    action:
      "Ask your Salesforce admin to check the Conversion app in Setup → Connected Apps OAuth Usage (or External " +
      "Client App Manager), then connect again.",
  },
  OAUTH_APP_BLOCKED: {
    sentence: "The Conversion app is blocked in your Salesforce org.",
    action: "Ask your Salesforce admin to unblock it in Setup → Connected Apps OAuth Usage, then connect again.",
  },
  OAUTH_APP_ACCESS_DENIED: {
    sentence: "Your Salesforce user may not use the Conversion app: your org lets only pre-authorized users use it.",
    action:
      "Ask your Salesforce admin to add your profile or one of your permission sets to the app's policies, or connect " +
      "with a user who has it.",
  },
  OAUTH_EC_APP_NOT_FOUND: {
    sentence: "The Conversion app is not installed in your Salesforce org.",
    action: ASK_ADMIN_INSTALL,
  },
  app_not_installed: {
    sentence:
      "The Conversion app is not installed in your Salesforce org, and your user may not approve apps that are not.",
    action: ASK_ADMIN_INSTALL,
  },
  invalid_client_id: {
    sentence: "Salesforce does not know Conversion's app where you signed in.",
    action:
      "Check the environment you chose (a sandbox signs in at test.salesforce.com or its My Domain). If it is right, " +
      ASK_ADMIN_INSTALL.charAt(0).toLowerCase() +
      ASK_ADMIN_INSTALL.slice(1),
  },
  inactive_user: {
    sentence: "The Salesforce user you signed in with is deactivated or frozen.",
    action: "Connect with an active user, or ask your Salesforce admin to reactivate this one.",
  },
  inactive_org: {
    sentence: "Your Salesforce org is locked, closed or suspended.",
    action: "Your Salesforce admin can tell why; connect again once the org is active.",
  },
  invalid_scope: {
    sentence: "Salesforce would not grant the access Conversion asks for (api, refresh_token, id).",
    action: "Ask your Salesforce admin to allow these OAuth scopes for the Conversion app, then connect again.",
  },
  rate_limit_exceeded: {
    sentence: "Salesforce refuses sign-ins for this user for now: there were too many attempts.",
    action: "Wait a few minutes and connect again.",
  },
  ip_restricted: {
    sentence: "Your Salesforce org refuses sign-ins for this user from Conversion's network address.",
    action:
      "Ask your Salesforce admin to relax the IP restrictions of the Conversion app (Relax IP restrictions), then connect again.",
  },
  redirect_uri_mismatch: {
    sentence: "Salesforce refused Conversion's callback address.",
    action: "This is Conversion's configuration, not your org's: contact Conversion support.",
  },
};

/** Salesforce sometimes says the real reason only in the description (invalid_grant "inactive user", …). */
function refine(error: string, description: string): string {
  const d = description.toLowerCase();
  if (d.includes("inactive user") || d.includes("user is inactive") || d.includes("frozen")) return "inactive_user";
  if (d.includes("inactive organization") || d.includes("org is locked")) return "inactive_org";
  if (d.includes("ip restricted")) return "ip_restricted";
  if (d.includes("must be installed") || d.includes("not installed") || d.includes("cross-org oauth")) {
    return "app_not_installed";
  }
  if (error === "invalid_client" && d.includes("client identifier")) return "invalid_client_id";
  if (error === "redirect_uri_missing") return "redirect_uri_mismatch";
  return error;
}

/**
 * Salesforce's refusal as the callback's answer: code `authorization_denied` (the person chose Deny)
 * or `authorization_failed`; the message says what happened and what to do, and keeps Salesforce's
 * own words in parentheses for support; `details` carries Salesforce's code.
 */
export function explainRefusal(error: string, description: string | undefined) {
  const said = description ? `${error}: ${description}` : error;
  const known = REFUSALS[refine(error, description ?? "")];
  const code = error === "access_denied" ? "authorization_denied" : "authorization_failed";
  const message = known
    ? `${known.sentence} ${known.action} (Salesforce said ${said})`
    : `Salesforce could not authorize the connection (${said}). Connect again; if it keeps happening, send this message to your Salesforce admin.`;
  return { code, message, details: { salesforceError: error } } as const;
}
