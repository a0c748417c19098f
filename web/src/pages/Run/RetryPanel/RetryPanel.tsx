import { PATHS } from "../../../app/routes";
import { Notice } from "../../../components/Notice/Notice";
import { Link } from "../../../router/Link";
import { canRetry, retry, retryFailed, run } from "../model";

/** Retry failed records: queues them again as a new run, then links to it. */
export function RetryPanel() {
  const r = run.value;
  const s = retry.value;
  if (!r) return null;
  if (s.phase === "done") {
    return (
      <Notice tone="success" title="Retry started.">
        {s.run ? (
          <p>
            The failed records were queued again as a new run.{" "}
            <Link href={PATHS.run(s.run.id)}>View the new run</Link>
          </p>
        ) : (
          <p>The failed records were queued again. The new run appears in Sync activity shortly.</p>
        )}
      </Notice>
    );
  }
  if (!canRetry.value) return null;
  const pending = s.phase === "pending";
  return (
    <>
      {s.phase === "error" && <Notice tone="error" title={`Retry failed: ${s.message}`} />}
      <button
        type="button"
        class="btn"
        onClick={() => pending || retryFailed(r.id)}
        aria-disabled={pending ? "true" : undefined}
      >
        {pending ? "Retrying…" : "Retry failed records"}
      </button>
    </>
  );
}
