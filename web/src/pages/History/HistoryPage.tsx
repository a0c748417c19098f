import { useEffect } from "preact/hooks";
import type { RecordHistoryEntry } from "../../api/types";
import { PATHS } from "../../app/routes";
import { EmptyState } from "../../components/EmptyState/EmptyState";
import { LoadMore } from "../../components/LoadMore/LoadMore";
import { LocalTime } from "../../components/LocalTime/LocalTime";
import { Notice } from "../../components/Notice/Notice";
import { RecordItem } from "../../components/RecordItem/RecordItem";
import { Skeleton } from "../../components/Skeleton/Skeleton";
import { Page } from "../../layout/Section";
import { Link } from "../../router/Link";
import { connection } from "../../state/connection";
import { historyList, loadMore, mountHistory, q, search } from "./model";
import { SearchForm } from "./SearchForm/SearchForm";

function RunContext({ record }: { record: RecordHistoryEntry }) {
  return (
    <>
      <Link href={PATHS.run(record.runId)}>{record.run.description}</Link>
      <LocalTime iso={record.run.startedAt} />
    </>
  );
}

function Results() {
  const { phase, error, items: records } = historyList;
  if (phase.value === "idle") return null;
  if (phase.value === "error") return <Notice tone="error" title={error.value ?? ""} onRetry={() => search(q.value)} />;
  if (phase.value === "loading") return <Skeleton kind="record" rows={3} />;
  if (!records.value.length) {
    return (
      <EmptyState title="No sync history for this record">
        Check the Salesforce ID or email. Records appear here once a sync has touched them.
      </EmptyState>
    );
  }
  const instanceUrl = connection.value?.instanceUrl ?? null;
  return (
    <>
      <ul class="plain" aria-label={`Sync history for ${q.value}`}>
        {records.value.map((r) => (
          <RecordItem key={r.id} record={r} instanceUrl={instanceUrl} context={<RunContext record={r} />} />
        ))}
      </ul>
      <LoadMore list={historyList} onLoad={loadMore} />
    </>
  );
}

/** Record history: one Salesforce record or email, every run that touched it and why. */
export function HistoryPage() {
  useEffect(mountHistory, []);
  return (
    <Page title="Record history">
      <SearchForm />
      <Results />
    </Page>
  );
}
