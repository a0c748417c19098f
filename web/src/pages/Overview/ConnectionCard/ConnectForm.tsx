import { useState } from "preact/hooks";
import type { LoginEnvironment } from "../../../api/types";
import { Notice } from "../../../components/Notice/Notice";
import { entries, LOGIN_ENVIRONMENT } from "../../../format/labels";
import { connectState, startConnect } from "./model";

const HINT: Record<LoginEnvironment, string> = {
  production: "Signs in at login.salesforce.com",
  sandbox: "Signs in at test.salesforce.com",
  custom: "For orgs that allow sign-in only through their own domain, such as https://yourcompany.my.salesforce.com",
};
const CHOICES = entries(LOGIN_ENVIRONMENT).map(([value, label]) => ({ value, label, hint: HINT[value] }));

/** Where the org signs in, asked before going to Salesforce; names the workspace it connects to. */
export function ConnectForm({ workspace, onCancel }: { workspace: string; onCancel: () => void }) {
  const [environment, setEnvironment] = useState<LoginEnvironment>("production");
  const [myDomain, setMyDomain] = useState("");
  const s = connectState.value;
  const pending = s.phase === "pending";
  const domainError = s.phase === "error" && s.field === "myDomain" ? s.message : null;
  return (
    <form
      class="connect-form"
      aria-labelledby="connect-title"
      onSubmit={(e) => {
        e.preventDefault();
        void startConnect(environment, myDomain);
      }}
    >
      <h3 id="connect-title">Connect Salesforce to {workspace}</h3>
      <fieldset>
        <legend>Where does your Salesforce org sign in?</legend>
        {CHOICES.map((c) => (
          <label key={c.value} class="connect-form__choice">
            <input
              type="radio"
              name="environment"
              value={c.value}
              checked={environment === c.value}
              onChange={() => setEnvironment(c.value)}
            />
            <span>
              <strong>{c.label}</strong>
              <span class="connect-form__hint">{c.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {environment === "custom" && (
        <div class="field">
          <label for="my-domain">My Domain login URL</label>
          <input
            id="my-domain"
            type="url"
            inputMode="url"
            autoComplete="url"
            placeholder="https://yourcompany.my.salesforce.com"
            value={myDomain}
            required
            aria-invalid={domainError ? "true" : undefined}
            aria-describedby={domainError ? "my-domain-error" : undefined}
            onInput={(e) => setMyDomain((e.target as HTMLInputElement).value)}
          />
          {domainError && (
            <p id="my-domain-error" class="connect-form__error">
              {domainError}
            </p>
          )}
        </div>
      )}
      {s.phase === "error" && !domainError && (
        <Notice tone="error" title={`Could not start the Salesforce sign-in: ${s.message}`} />
      )}
      <div class="card__actions">
        <button type="submit" class="btn" aria-disabled={pending ? "true" : undefined}>
          {pending ? "Opening Salesforce…" : "Continue to Salesforce"}
        </button>
        <button type="button" class="btn btn--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
