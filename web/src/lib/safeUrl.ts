/**
 * Only http(s) URLs become links or redirects: a value from the server must never turn into a
 * `javascript:` URL, whatever went wrong upstream.
 */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url, location.origin);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}

/** `{instanceUrl}/{salesforceId}`, the record's page in the org, or null when either is unknown. */
export function salesforceRecordUrl(
  instanceUrl: string | null | undefined,
  salesforceId: string | null,
): string | null {
  const base = safeHttpUrl(instanceUrl);
  if (!base || !salesforceId || !/^[a-zA-Z0-9]{15,18}$/.test(salesforceId)) return null;
  return `${base.replace(/\/+$/, "")}/${salesforceId}`;
}
