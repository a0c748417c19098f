import { EmptyState } from "../../components/EmptyState/EmptyState";
import { LoadMore } from "../../components/LoadMore/LoadMore";
import { Notice } from "../../components/Notice/Notice";
import { Skeleton } from "../../components/Skeleton/Skeleton";
import { filtersKey, isFiltered, rangeInverted } from "./filters";
import { load, loadedKey, loadMore, runList } from "./model";
import { RunEntry } from "./RunEntry/RunEntry";

export function RunList() {
  const { phase, error, items: runs } = runList;
  if (rangeInverted.value) return null;
  if (phase.value === "error") return <Notice tone="error" title={error.value ?? ""} onRetry={load} />;
  if (phase.value === "loading" || loadedKey.value !== filtersKey.value) return <Skeleton kind="run" rows={4} />;
  if (!runs.value.length) {
    return isFiltered.value ? (
      <EmptyState title="No runs match these filters">Try a wider date range or another object type.</EmptyState>
    ) : (
      <EmptyState title="No sync activity yet">
        Activity appears here automatically once data begins syncing.
      </EmptyState>
    );
  }
  return (
    <>
      <ul class="plain run-list" id="run-list" tabIndex={-1} aria-label="Sync runs">
        {runs.value.map((r) => (
          <RunEntry key={r.id} run={r} />
        ))}
      </ul>
      <LoadMore list={runList} onLoad={loadMore} />
    </>
  );
}
