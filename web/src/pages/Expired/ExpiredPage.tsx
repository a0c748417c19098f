/**
 * The session cookie is gone or stale. Only Conversion can mint a new one-time launch link, so the
 * page says where to go instead of offering a sign-in it cannot do.
 */
export function ExpiredPage() {
  return (
    <main id="main" class="expired">
      <h1>Your session has expired — open this page again from Conversion</h1>
      <p>
        For your security, this page signs you in with a short-lived link from Conversion. Go back to Conversion and
        open Settings → CRM &amp; Syncing again to continue.
      </p>
    </main>
  );
}
