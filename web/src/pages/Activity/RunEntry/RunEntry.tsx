import type { Run } from "../../../api/types";
import { PATHS } from "../../../app/routes";
import { Counts } from "../../../components/Counts/Counts";
import { LocalTime } from "../../../components/LocalTime/LocalTime";
import { RunProgress } from "../../../components/RunProgress/RunProgress";
import { settingFor } from "../../../components/SettingLink/settingLink";
import { StatusBadge } from "../../../components/StatusBadge/StatusBadge";
import { formatDuration } from "../../../format/duration";
import { salesforceObjectLabel } from "../../../format/labels";
import { Link } from "../../../router/Link";
import { navigate } from "../../../router/router";
import "./RunEntry.css";

const DIR_SHORT = { inbound: "Salesforce → Conversion", outbound: "Conversion → Salesforce" };

/**
 * One run (batch) in Sync activity, as its help lists it (components/Help/ActivityHelp.tsx): what,
 * status, counts, duration, time, View.
 */
export function RunEntry({ run }: { run: Run }) {
  const titleId = `run-${run.id}-title`;
  const href = PATHS.run(run.id);
  const fix = run.failure ? settingFor({ code: run.failure.code }) : null;
  // The help calls it a button; a modified click still opens the run in a new tab like a link would.
  const open = (e: MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey) window.open(href, "_blank", "noopener");
    else navigate(href);
  };
  return (
    <li class="run-entry">
      <div class="run-entry__head">
        <h3 id={titleId} class="run-entry__title">
          {run.description}
        </h3>
        <StatusBadge run={run.status} />
      </div>
      <p class="meta run-entry__meta">
        <span>{DIR_SHORT[run.direction] ?? run.direction}</span>
        {/* Leads and Contacts both sync as contacts; the Salesforce object tells their runs apart. */}
        <span>{salesforceObjectLabel(run.salesforceObject)}</span>
        <span>
          <span class="meta__label">Started </span>
          <LocalTime iso={run.startedAt} />
        </span>
        <span>
          <span class="meta__label">Duration </span>
          {formatDuration(run.status === "in_progress" ? null : run.durationMs)}
        </span>
      </p>
      <div class="run-entry__numbers">
        <RunProgress run={run} />
        <Counts counts={run.counts} />
      </div>
      {run.failure && (
        <p class="run-entry__failure">
          {run.failure.message}
          {fix && (
            <>
              {" · "}
              <Link href={fix.href}>{fix.text}</Link>
            </>
          )}
        </p>
      )}
      <div class="run-entry__actions">
        <button type="button" class="btn btn--secondary btn--small" onClick={open} aria-describedby={titleId}>
          View
        </button>
      </div>
    </li>
  );
}
