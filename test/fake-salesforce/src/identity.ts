// The identity URL (the `id` of a token response): who the token belongs to, and the org's REST URLs.
import { formatDateTime } from "./clock";
import { json } from "./http";
import { bearer } from "./oauth";
import type { Org } from "./state";
import { LATEST_VERSION } from "./versions";

export function identity(org: Org, request: Request, url: URL): Response {
  const m = /^\/id\/([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
  if (!m || m[1] !== org.orgId || m[2] !== org.userId) return new Response("Bad_Id", { status: 404 });
  const token = bearer(request) ?? url.searchParams.get("oauth_token");
  if (!token || !org.tokens.isValidAccess(token, org.clock.now()))
    return new Response("Bad_OAuth_Token", { status: 403 });
  const base = `${url.origin}/services/data/v{version}`;
  return json({
    id: `${url.origin}${url.pathname.replace(/\/$/, "")}`,
    asserted_user: true,
    user_id: org.userId,
    organization_id: org.orgId,
    username: org.username,
    nick_name: "integration",
    display_name: "Integration User",
    email: org.username,
    email_verified: true,
    first_name: "Integration",
    last_name: "User",
    timezone: "America/Los_Angeles",
    active: true,
    user_type: "STANDARD",
    language: "en_US",
    locale: "en_US",
    utcOffset: -28800000,
    last_modified_date: formatDateTime(Date.UTC(2026, 0, 5, 9, 30)),
    is_app_installed: true,
    urls: {
      rest: `${base}/`,
      sobjects: `${base}/sobjects/`,
      query: `${base}/query/`,
      search: `${base}/search/`,
      recent: `${base}/recent/`,
      profile: `${url.origin}/${org.userId}`,
      limits: `${base}/limits/`,
      custom_domain: url.origin,
    },
    latest_version: LATEST_VERSION,
  });
}
