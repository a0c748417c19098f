import type { HealthWarning } from "../../../api/health";
import type { ApiUsage } from "../../../api/types";
import { LocalTime } from "../../../components/LocalTime/LocalTime";
import "./Warnings.css";

/**
 * What the admin should know while syncing goes on: fields the integration user cannot read (left
 * out of the sync) and a pause for the API limit, with when the org's usage was last checked.
 */
export function Warnings({ warnings, apiUsage }: { warnings: HealthWarning[]; apiUsage: ApiUsage | null }) {
  if (!warnings.length) return null;
  return (
    <section class="warnings" aria-labelledby="warnings-title">
      <h3 id="warnings-title">Needs attention</h3>
      <ul class="plain">
        {warnings.map((w) => (
          <li key={`${w.code}-${w.object ?? ""}-${w.field ?? ""}`} class="warnings__item">
            <p>{w.message}</p>
            {w.code === "sync_paused" && apiUsage?.asOf && (
              <p class="meta">
                Last checked <LocalTime iso={apiUsage.asOf} />
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
