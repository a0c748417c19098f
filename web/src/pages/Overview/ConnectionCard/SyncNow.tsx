import { PATHS } from "../../../app/routes";
import { Notice } from "../../../components/Notice/Notice";
import { OBJECT_LABEL } from "../../../format/labels";
import { Link } from "../../../router/Link";
import { runSyncNow, syncNow } from "../model";

/** "Sync now": queues an inbound sync at once instead of waiting for the schedule. */
export function SyncNow() {
  const s = syncNow.value;
  const pending = s.phase === "pending";
  return (
    <div class="sync-now">
      <button type="button" class="btn" onClick={runSyncNow} aria-disabled={pending ? "true" : undefined}>
        {pending ? "Starting sync…" : "Sync now"}
      </button>
      <div class="sync-now__result" aria-live="polite">
        {s.phase === "done" &&
          (s.queued.length ? (
            <p>
              Sync started for {s.queued.map((t) => OBJECT_LABEL[t] ?? t).join(", ")}.{" "}
              <Link href={PATHS.activity}>Follow it in Sync activity</Link>
            </p>
          ) : (
            <p>
              No new sync was queued; one may already be running. <Link href={PATHS.activity}>Check Sync activity</Link>
            </p>
          ))}
      </div>
      {s.phase === "error" && <Notice tone="error" title={`Sync could not start: ${s.message}`} />}
    </div>
  );
}
