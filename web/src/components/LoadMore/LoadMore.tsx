import type { PagedList } from "../../lib/pagedList";
import { Notice } from "../Notice/Notice";

interface Props {
  list: Pick<PagedList<unknown>, "cursor" | "moreLoading" | "moreError">;
  onLoad: () => void;
}

/** "Load more" for cursor-paged lists; long histories are never fetched all at once. */
export function LoadMore({ list, onLoad }: Props) {
  if (!list.cursor.value) return null;
  const loading = list.moreLoading.value;
  const error = list.moreError.value;
  return (
    <div class="load-more">
      {error && <Notice tone="error" title={error} />}
      {/* aria-disabled, not disabled: a disabled button would drop keyboard focus to the page top. */}
      <button
        type="button"
        class="btn btn--secondary"
        onClick={() => loading || onLoad()}
        aria-disabled={loading ? "true" : undefined}
      >
        {loading ? "Loading…" : "Load more"}
      </button>
    </div>
  );
}
