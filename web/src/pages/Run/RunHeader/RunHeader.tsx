import { useEffect } from "preact/hooks";
import type { RunDetail } from "../../../api/types";
import { PATHS } from "../../../app/routes";
import { Counts } from "../../../components/Counts/Counts";
import { LocalTime } from "../../../components/LocalTime/LocalTime";
import { RunProgress } from "../../../components/RunProgress/RunProgress";
import { SettingLink } from "../../../components/SettingLink/SettingLink";
import { StatusBadge } from "../../../components/StatusBadge/StatusBadge";
import { formatDuration } from "../../../format/duration";
import { DIRECTION, FAILURE_MEANING, KIND, OBJECT_LABEL, salesforceObjectLabel } from "../../../format/labels";
import { Link } from "../../../router/Link";
import "./RunHeader.css";

export function RunHeader({ run }: { run: RunDetail }) {
  const f = run.failure;
  // Navigation focused <main> while the run was loading; hand focus on to the heading once it exists.
  useEffect(() => {
    if (document.activeElement?.id === "main") document.getElementById("page-title")?.focus();
  }, []);
  return (
    <header class="run-header card">
      <div class="run-header__title">
        <h2 id="page-title" tabIndex={-1}>
          {run.description}
        </h2>
        <StatusBadge run={run.status} />
      </div>
      <dl class="run-header__facts">
        <div>
          <dt>Direction</dt>
          <dd>{DIRECTION[run.direction] ?? run.direction}</dd>
        </div>
        <div>
          <dt>Salesforce object</dt>
          <dd>{salesforceObjectLabel(run.salesforceObject)}</dd>
        </div>
        <div>
          <dt>In Conversion</dt>
          <dd>{OBJECT_LABEL[run.objectType] ?? run.objectType}</dd>
        </div>
        <div>
          <dt>Type</dt>
          <dd>{KIND[run.kind] ?? run.kind}</dd>
        </div>
        {run.retryOf && (
          <div>
            <dt>Retry of</dt>
            <dd>
              <Link href={PATHS.run(run.retryOf)}>the original run</Link>
            </dd>
          </div>
        )}
        <div>
          <dt>Started</dt>
          <dd>
            <LocalTime iso={run.startedAt} />
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(run.status === "in_progress" ? null : run.durationMs)}</dd>
        </div>
      </dl>
      <RunProgress run={run} />
      <Counts counts={run.counts} />
      {f && (
        <div class="notice notice--error run-header__failure">
          <p class="notice__title">{f.message}</p>
          {(f.explanation || FAILURE_MEANING[f.code]) && <p>{f.explanation || FAILURE_MEANING[f.code]}</p>}
          {f.detail && <p class="run-header__detail">{f.detail}</p>}
          <p>
            <strong>What to do: </strong>
            {f.action}
          </p>
          <SettingLink code={f.code} />
        </div>
      )}
    </header>
  );
}
