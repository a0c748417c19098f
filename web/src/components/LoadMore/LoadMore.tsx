import { Notice } from "../Notice/Notice";

interface Props {
  hasMore: boolean;
  loading: boolean;
  error: string | null;
  onLoad: () => void;
}

/** "Load more" for cursor-paged lists; long histories are never fetched all at once. */
export function LoadMore({ hasMore, loading, error, onLoad }: Props) {
  if (!hasMore) return null;
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
