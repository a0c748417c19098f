import { useEffect } from "preact/hooks";
import type { RunDetail } from "../../../api/types";
import { PATHS } from "../../../app/routes";
import { Counts } from "../../../components/Counts/Counts";
import { Fact } from "../../../components/Fact/Fact";
import { LocalTime } from "../../../components/LocalTime/LocalTime";
import { RunProgress } from "../../../components/RunProgress/RunProgress";
import { WhatToDo } from "../../../components/SettingLink/SettingLink";
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
        <Fact term="Direction">{DIRECTION[run.direction] ?? run.direction}</Fact>
        <Fact term="Salesforce object">{salesforceObjectLabel(run.salesforceObject)}</Fact>
        <Fact term="In Conversion">{OBJECT_LABEL[run.objectType] ?? run.objectType}</Fact>
        <Fact term="Type">{KIND[run.kind] ?? run.kind}</Fact>
        {run.retryOf && (
          <Fact term="Retry of">
            <Link href={PATHS.run(run.retryOf)}>the original run</Link>
          </Fact>
        )}
        <Fact term="Started">
          <LocalTime iso={run.startedAt} />
        </Fact>
        <Fact term="Duration">{formatDuration(run.status === "in_progress" ? null : run.durationMs)}</Fact>
      </dl>
      <RunProgress run={run} />
      <Counts counts={run.counts} />
      {f && (
        <div class="notice notice--error run-header__failure">
          <p class="notice__title">{f.message}</p>
          {(f.explanation || FAILURE_MEANING[f.code]) && <p>{f.explanation || FAILURE_MEANING[f.code]}</p>}
          {f.detail && <p class="run-header__detail">{f.detail}</p>}
          <WhatToDo action={f.action} code={f.code} />
        </div>
      )}
    </header>
  );
}
