import { Notice } from "../../../components/Notice/Notice";

/**
 * Syncing pauses instead of exhausting the org's API limit: either this integration's daily budget is
 * spent (resets at midnight UTC, the budget's day) or the org itself is close to its limit.
 */
export function PausedNotice({ reason }: { reason: string | null }) {
  return (
    <Notice tone="warning" title="Syncing is paused to protect your Salesforce API limit.">
      {reason && <p>{reason.replace(/\.?$/, ".")}</p>}
      <p>
        Syncing resumes automatically once API calls are available again — the integration’s daily budget resets at
        midnight UTC. Changes made in the meantime are synced then.
      </p>
    </Notice>
  );
}
