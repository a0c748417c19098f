import type { Connection } from "../../../api/types";
import { Fact } from "../../../components/Fact/Fact";
import { LocalTime } from "../../../components/LocalTime/LocalTime";
import { Notice } from "../../../components/Notice/Notice";
import { Skeleton } from "../../../components/Skeleton/Skeleton";
import { LOGIN_ENVIRONMENT } from "../../../format/labels";
import { connection, connectionError, loadConnection } from "../../../state/connection";
import { session } from "../../../state/session";
import { ConnectForm } from "./ConnectForm";
import { Disconnect } from "./Disconnect";
import { connectState } from "./model";
import { SyncNow } from "./SyncNow";
import "./ConnectionCard.css";

const STATUS: Record<Connection["status"], [string, string]> = {
  connected: ["Connected", "success"],
  not_connected: ["Not connected", "skipped"],
  needs_reconnect: ["Needs reconnect", "failed"],
};

/**
 * The workspace's Salesforce connection: status, org and user, Connect / Reconnect (asking where the
 * org signs in), Disconnect with confirmation, and Sync now. Self-contained: it loads and keeps its
 * own state, so any page can place it.
 */
export function ConnectionCard({ showSyncNow = true }: { showSyncNow?: boolean }) {
  const c = connection.value;
  if (!c) {
    // The frame is drawn while loading so the cards below do not move when the data arrives.
    return (
      <section class="card" aria-labelledby="connection-title">
        <h2 id="connection-title">Salesforce connection</h2>
        {connectionError.value ? (
          <Notice tone="error" title={connectionError.value} onRetry={loadConnection} />
        ) : (
          <Skeleton kind="connection" rows={1} bare />
        )}
      </section>
    );
  }
  const [label, tone] = STATUS[c.status] ?? [c.status, "skipped"];
  const workspace = session.value?.workspace.name ?? "this workspace";
  const choosing = connectState.value.phase !== "idle";
  const connected = c.status !== "not_connected";
  return (
    <section class="card" aria-labelledby="connection-title">
      <div class="card__head">
        <h2 id="connection-title">Salesforce connection</h2>
        <span class={`badge badge--${tone}`}>
          <span class="badge__icon" aria-hidden="true" />
          {label}
        </span>
      </div>
      {c.status === "needs_reconnect" && (
        <Notice tone="warning" title="Conversion can no longer sign in to your Salesforce org.">
          <p>Syncing is stopped until you reconnect. Reconnect Salesforce with a user that can access the org.</p>
        </Notice>
      )}
      {connected ? (
        <dl class="facts">
          <Fact term="Org ID" class="mono">
            {c.orgId ?? "—"}
          </Fact>
          <Fact term="Username">{c.username ?? "—"}</Fact>
          <Fact term="Signs in at">
            {c.environment ? LOGIN_ENVIRONMENT[c.environment] : "—"}
            {c.environment === "custom" && c.loginUrl ? <span class="mono"> {c.loginUrl}</span> : null}
          </Fact>
          <Fact term="Connected">
            <LocalTime iso={c.connectedAt} />
          </Fact>
        </dl>
      ) : (
        <p>Connect your Salesforce org to sync contacts, companies, opportunities and events with Conversion.</p>
      )}
      {choosing ? (
        <ConnectForm
          workspace={workspace}
          onCancel={() => {
            connectState.value = { phase: "idle" };
          }}
        />
      ) : (
        <div class="card__actions">
          <button
            type="button"
            class={c.status === "connected" ? "btn btn--secondary" : "btn"}
            onClick={() => {
              connectState.value = { phase: "choosing" };
            }}
          >
            {connected ? "Reconnect Salesforce" : "Connect Salesforce"}
          </button>
          {connected && <Disconnect workspace={workspace} />}
          {showSyncNow && c.status === "connected" && <SyncNow />}
        </div>
      )}
    </section>
  );
}
