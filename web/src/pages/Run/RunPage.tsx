import { useEffect } from "preact/hooks";
import { Notice } from "../../components/Notice/Notice";
import { Skeleton } from "../../components/Skeleton/Skeleton";
import { Link } from "../../router/Link";
import { lastActivityHref } from "../Activity/model";
import { loadRun, mountRun, run, runError, runPhase } from "./model";
import { RecordList } from "./RecordList/RecordList";
import { RetryPanel } from "./RetryPanel/RetryPanel";
import { RunHeader } from "./RunHeader/RunHeader";

/** One run: what it did, why it failed if it did, and every record it touched. */
export function RunPage({ id }: { id: string }) {
  useEffect(() => mountRun(id), [id]);

  const back = (
    <p class="back-link">
      <Link href={lastActivityHref.value}>← Sync activity</Link>
    </p>
  );
  if (runPhase.value === "not_found") {
    return (
      <section>
        {back}
        <h2 id="page-title" tabIndex={-1}>
          Run not found
        </h2>
        <p>This run does not exist in this workspace.</p>
      </section>
    );
  }
  if (runPhase.value === "error") {
    return (
      <section>
        {back}
        <Notice tone="error" title={runError.value ?? ""} onRetry={() => loadRun(id)} />
      </section>
    );
  }
  const r = run.value;
  return (
    <section aria-labelledby="page-title">
      {back}
      {r && r.id === id ? <RunHeader run={r} /> : <Skeleton kind="card" rows={1} />}
      <div class="run-actions">
        <RetryPanel />
      </div>
      <RecordList runId={id} />
    </section>
  );
}
