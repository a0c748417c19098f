import { Notice } from "../../../components/Notice/Notice";
import { disconnect, disconnectState } from "./model";

/** Disconnect, with a confirmation that says what it does and to which workspace. */
export function Disconnect({ workspace }: { workspace: string }) {
  const s = disconnectState.value;
  if (s.phase === "idle") {
    return (
      <button
        type="button"
        class="btn btn--secondary"
        onClick={() => {
          disconnectState.value = { phase: "confirming" };
        }}
      >
        Disconnect
      </button>
    );
  }
  const pending = s.phase === "pending";
  return (
    <section class="disconnect" aria-labelledby="disconnect-title">
      <p id="disconnect-title" class="disconnect__title">
        Disconnect Salesforce from {workspace}?
      </p>
      <p>
        Syncing stops and Conversion's access is revoked in Salesforce. Sync activity stays. You can connect again
        later.
      </p>
      {s.phase === "error" && <Notice tone="error" title={`Could not disconnect: ${s.message}`} />}
      <div class="card__actions">
        <button type="button" class="btn btn--danger" onClick={disconnect} aria-disabled={pending ? "true" : undefined}>
          {pending ? "Disconnecting…" : "Disconnect Salesforce"}
        </button>
        <button
          type="button"
          class="btn btn--secondary"
          onClick={() => {
            disconnectState.value = { phase: "idle" };
          }}
        >
          Keep connected
        </button>
      </div>
    </section>
  );
}
