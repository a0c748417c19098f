import { PATHS } from "../../../app/routes";
import { Notice } from "../../../components/Notice/Notice";
import { Link } from "../../../router/Link";
import { canRetry, retry, retryFailed, run, standingRetry } from "../model";

/**
 * Retry failed records: queues them again as a new run, then links to it. A run is retried once,
 * so a run with a standing retry shows "Retried" and a link to that run instead of the button.
 */
export function RetryPanel() {
  const r = run.value;
  const s = retry.value;
  if (!r) return null;
  if (s.phase === "done") {
    return (
      <Notice tone="success" title="Retry started.">
        {s.run ? (
          <p>
            The failed records were queued again as a new run. <Link href={PATHS.run(s.run.id)}>View the new run</Link>
          </p>
        ) : (
          <p>The failed records were queued again. The new run appears in Sync activity shortly.</p>
        )}
      </Notice>
    );
  }
  const standing = standingRetry.value;
  if (standing) {
    return (
      <Notice tone="info" title="Retried">
        <p>
          {standing.status === "in_progress"
            ? "The failed records are being retried in a new run."
            : "The failed records were retried in a new run."}{" "}
          <Link href={PATHS.run(standing.id)}>View the retry run</Link>
        </p>
      </Notice>
    );
  }
  if (!canRetry.value) return null;
  const pending = s.phase === "pending";
  const lastFailed = r.retriedBy?.status === "failed" ? r.retriedBy : null;
  return (
    <>
      {lastFailed && (
        <Notice tone="warning" title="The last retry failed.">
          <p>
            It did not finish, so the failed records can be retried again.{" "}
            <Link href={PATHS.run(lastFailed.id)}>View the failed retry</Link>
          </p>
        </Notice>
      )}
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
