import { useEffect } from "preact/hooks";
import { confirmSwitch, launch, startLaunch, stay } from "./model";

/**
 * Where a launch link lands. It signs in, or, when this browser is signed in to another workspace,
 * asks first: a link someone else sent must not silently move the admin into their workspace.
 */
export function LaunchPage() {
  useEffect(startLaunch, []);
  const s = launch.value;
  if (s.phase === "confirm_switch") {
    return (
      <main id="main" class="expired" aria-labelledby="launch-title">
        <h1 id="launch-title">Switch to {s.next.name}?</h1>
        <p>
          You are signed in to <strong>{s.current.name}</strong>. This link signs you in to{" "}
          <strong>{s.next.name}</strong> instead.
        </p>
        <p>
          Switch only if you meant to work in {s.next.name}. If someone sent you this link, stay in {s.current.name}:
          anything you do after switching, such as connecting Salesforce, happens in {s.next.name}.
        </p>
        <div class="card__actions">
          <button type="button" class="btn btn--secondary" onClick={stay}>
            Stay in {s.current.name}
          </button>
          <button type="button" class="btn" onClick={() => void confirmSwitch()}>
            Switch to {s.next.name}
          </button>
        </div>
      </main>
    );
  }
  if (s.phase === "failed") {
    return (
      <main id="main" class="expired" aria-labelledby="launch-title">
        <h1 id="launch-title">{s.message} Open this page again from Conversion</h1>
        <p>
          For your security, this page signs you in with a short-lived link from Conversion. Go back to Conversion and
          open Settings → CRM &amp; Syncing again to continue.
        </p>
      </main>
    );
  }
  return (
    <main id="main" class="expired" aria-busy="true">
      <h1>Signing you in…</h1>
    </main>
  );
}
