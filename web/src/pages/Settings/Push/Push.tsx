import { signal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, errorText } from "../../../api/client";
import type { PushSettings } from "../../../api/settings";
import { LocalTime } from "../../../components/LocalTime/LocalTime";
import { Notice } from "../../../components/Notice/Notice";
import { Section } from "../../../layout/Section";

const push = signal<PushSettings | null>(null);
const error = signal<string | null>(null);
const busy = signal(false);
const shown = signal(false);

async function load() {
  error.value = null;
  try {
    push.value = await api<PushSettings>("/settings/push");
  } catch (e) {
    error.value = errorText(e);
  }
}

async function makeSecret() {
  if (busy.peek()) return;
  busy.value = true;
  error.value = null;
  try {
    push.value = await api<PushSettings>("/settings/push/secret", { method: "POST" });
    shown.value = true;
  } catch (e) {
    error.value = errorText(e);
  } finally {
    busy.value = false;
  }
}

/**
 * Salesforce push: the endpoint a Flow (or an Outbound Message) calls when records change, and its
 * secret. Outside the settings form: making a secret takes effect at once, not on Save.
 */
export function Push() {
  useEffect(() => {
    void load();
  }, []);
  const p = push.value;
  return (
    <Section class="card" id="push-title" title="Changes pushed from Salesforce">
      <p class="card__intro">
        A record-triggered Flow can tell Conversion the moment a record changes, so it syncs in seconds instead of at
        the next interval. The Flow’s HTTP callout sends <code>{'{"object": "Lead"}'}</code> to this address with the
        secret as <code>Authorization: Bearer …</code> (an Outbound Message puts it in the address:{" "}
        <code>?secret=…</code>). Checks on the interval go on as before.
      </p>
      {error.value && <Notice tone="error" title={error.value} onRetry={load} />}
      {p && (
        <div class="push">
          <div class="field">
            <label for="push-url">Address</label>
            <input id="push-url" type="text" readOnly value={p.url} onFocus={(e) => e.currentTarget.select()} />
          </div>
          <div class="field">
            <label for="push-secret">Secret</label>
            {p.secret ? (
              <div class="push__secret">
                {shown.value ? (
                  <input
                    id="push-secret"
                    type="text"
                    readOnly
                    value={p.secret}
                    aria-describedby="push-secret-hint"
                    onFocus={(e) => e.currentTarget.select()}
                  />
                ) : (
                  <input
                    id="push-secret"
                    type="password"
                    readOnly
                    value={p.secret}
                    aria-describedby="push-secret-hint"
                  />
                )}
                <button
                  type="button"
                  class="btn btn--secondary btn--small"
                  aria-pressed={shown.value ? "true" : "false"}
                  onClick={() => {
                    shown.value = !shown.value;
                  }}
                >
                  {shown.value ? "Hide" : "Show"}
                </button>
              </div>
            ) : (
              <p class="meta" id="push-secret">
                No secret yet: make one to set up the Flow.
              </p>
            )}
            <p class="field__hint" id="push-secret-hint">
              {p.lastUsedAt ? (
                <>
                  Salesforce last pushed <LocalTime iso={p.lastUsedAt} />.
                </>
              ) : (
                "Salesforce has not pushed with this secret yet."
              )}{" "}
              A new secret stops the old one at once: give Salesforce the new one.
            </p>
          </div>
          <button
            type="button"
            class="btn btn--secondary"
            onClick={makeSecret}
            aria-disabled={busy.value ? "true" : undefined}
          >
            {p.secret ? "Make a new secret" : "Make a secret"}
          </button>
        </div>
      )}
    </Section>
  );
}
