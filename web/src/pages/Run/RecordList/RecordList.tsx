import { apiUrl } from "../../../api/client";
import { PATHS } from "../../../app/routes";
import { EmptyState } from "../../../components/EmptyState/EmptyState";
import { RecordHelp } from "../../../components/Help/RecordHelp";
import { LoadMore } from "../../../components/LoadMore/LoadMore";
import { Notice } from "../../../components/Notice/Notice";
import { RecordItem } from "../../../components/RecordItem/RecordItem";
import { Skeleton } from "../../../components/Skeleton/Skeleton";
import { Tabs, tabId } from "../../../components/Tabs/Tabs";
import { entries, RECORD_STATUS } from "../../../format/labels";
import { href } from "../../../router/router";
import { connection } from "../../../state/connection";
import { run } from "../model";
import { loadMoreRecords, loadRecords, recordFilter, recordList } from "../records";
import "./RecordList.css";

const FILTERS = [["all", "All"], ...entries(RECORD_STATUS)] as const;

function Body({ runId }: { runId: string }) {
  const { phase, error, items: records } = recordList;
  if (phase.value === "error") {
    return <Notice tone="error" title={error.value ?? ""} onRetry={() => loadRecords(runId)} />;
  }
  if (phase.value === "loading") return <Skeleton kind="record" rows={3} />;
  if (!records.value.length) {
    const inProgress = run.value?.status === "in_progress";
    return (
      <EmptyState title={recordFilter.value ? "No records with this status" : "No records in this run"}>
        {inProgress ? "Records appear here as the run processes them." : null}
      </EmptyState>
    );
  }
  const instanceUrl = connection.value?.instanceUrl ?? null;
  return (
    <>
      <ul class="plain" aria-label="Records">
        {records.value.map((r) => (
          <RecordItem key={r.id} record={r} instanceUrl={instanceUrl} direction={run.value?.direction} />
        ))}
      </ul>
      <LoadMore list={recordList} onLoad={() => loadMoreRecords(runId)} />
    </>
  );
}

export function RecordList({ runId }: { runId: string }) {
  const selected = recordFilter.value ?? "all";
  const tabs = FILTERS.map(([key, label]) => ({
    key,
    label,
    href: href(PATHS.run(runId), { status: key === "all" ? null : key }),
  }));
  return (
    <section class="record-list" aria-labelledby="records-title">
      <div class="record-list__head">
        <h2 id="records-title">Records</h2>
        {/* The file holds what the list shows: the status filter goes along. */}
        <a
          class="btn btn--secondary btn--small"
          href={apiUrl(`/sync/runs/${encodeURIComponent(runId)}/records.csv`, { status: recordFilter.value })}
          download
        >
          Download CSV
        </a>
      </div>
      <RecordHelp />
      <Tabs label="Record status" items={tabs} selected={selected} panelId="records-panel" idPrefix="record-status" />
      <div id="records-panel" role="tabpanel" aria-labelledby={tabId("record-status", selected)}>
        <Body runId={runId} />
      </div>
    </section>
  );
}
