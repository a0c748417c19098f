import type { ApiError } from "../errors";

// The OAuth callback is the one route a person reaches by a browser redirect (Salesforce sends
// them back after Allow or Deny). A JSON error there reads as a broken page; the browser gets the
// same code and message as a small HTML page with the way back, API clients still get JSON.

/** Whether the request comes from a browser navigation rather than an API client. */
export function wantsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = accept.indexOf("text/html");
  const json = accept.indexOf("application/json");
  return html !== -1 && (json === -1 || html < json);
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

/** The callback's failure as a page: what happened, in the API's words, and where to go next. */
export function callbackErrorPage(err: ApiError): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Salesforce was not connected</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2933}code{color:#52606d}a{color:#0b5fff}</style></head>
<body>
<h1>Salesforce was not connected</h1>
<p>${escapeHtml(err.message)}</p>
<p><code>${escapeHtml(err.code)}</code></p>
<p><a href="/settings/crm">Back to Settings → CRM &amp; Syncing</a></p>
</body>
</html>`;
}
