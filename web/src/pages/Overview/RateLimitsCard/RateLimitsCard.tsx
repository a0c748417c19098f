import { PATHS } from "../../../app/routes";
import { LocalTime } from "../../../components/LocalTime/LocalTime";
import { Link } from "../../../router/Link";
import { connection } from "../../../state/connection";
import { health } from "../model";
import { PausedNotice } from "./PausedNotice";
import { Usage } from "./Usage";
import "./RateLimitsCard.css";

/**
 * Rate limits: the org's Salesforce API usage (from Salesforce's own limit header) next to this
 * integration's daily budget, so an admin sees why syncing paused before the org ran dry.
 */
export function RateLimitsCard() {
  const usage = connection.value?.apiUsage ?? health.value?.apiUsage ?? null;
  const budget = health.value?.budget ?? null;
  return (
    <section class="card" aria-labelledby="limits-title">
      <h2 id="limits-title">Rate limits</h2>
      {budget?.paused && <PausedNotice reason={budget.reason} />}
      <div class="limits">
        <div class="limits__item">
          <h3>Salesforce API calls (whole org)</h3>
          {usage ? (
            <>
              <Usage
                id="org-usage"
                used={usage.used}
                limit={usage.limit}
                label="API calls used of the org’s daily limit"
              />
              {usage.asOf && (
                <p class="meta">
                  <span>
                    As of <LocalTime iso={usage.asOf} />
                  </span>
                </p>
              )}
            </>
          ) : (
            <p class="meta">Usage appears here after the next call to Salesforce.</p>
          )}
        </div>
        <div class="limits__item">
          <h3>This integration’s daily budget</h3>
          {budget?.limit != null ? (
            <Usage
              id="budget-usage"
              used={budget.used ?? 0}
              limit={budget.limit}
              label="API calls this integration used today of its budget"
            />
          ) : (
            <p class="meta">
              No daily budget is set{budget?.used != null ? ` · ${budget.used.toLocaleString()} calls today` : ""}. The
              sync pauses only when Salesforce’s own limit is reached.
            </p>
          )}
          <p class="setting-link">
            <Link href={`${PATHS.settings}#setting-apiDailyBudget`}>
              {budget?.limit != null ? "Change the daily budget" : "Set a daily budget"}
            </Link>
          </p>
        </div>
      </div>
    </section>
  );
}
