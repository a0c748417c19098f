import type { Run } from "../../../api/types";
import { PATHS } from "../../../app/routes";
import { InboundChecks } from "../../../components/InboundChecks/InboundChecks";
import { LocalTime } from "../../../components/LocalTime/LocalTime";
import { Notice } from "../../../components/Notice/Notice";
import { RunProgress } from "../../../components/RunProgress/RunProgress";
import { Skeleton } from "../../../components/Skeleton/Skeleton";
import { StatusBadge } from "../../../components/StatusBadge/StatusBadge";
import { Link } from "../../../router/Link";
import { health, healthError, loadHealth } from "../model";
import { Warnings } from "../Warnings/Warnings";
import { TopReasons } from "./TopReasons";
import "./HealthCard.css";

const fmt = new Intl.NumberFormat();

function LastRun({ title, run }: { title: string; run: Run | null }) {
  return (
    <div class="health__last">
      <h3>{title}</h3>
      {run ? (
        <>
          <p class="health__last-line">
            <Link href={PATHS.run(run.id)}>{run.description}</Link> <StatusBadge run={run.status} />
          </p>
          <p class="meta">
            <LocalTime iso={run.startedAt} />
          </p>
          <RunProgress run={run} />
        </>
      ) : (
        <p class="meta">No runs yet</p>
      )}
    </div>
  );
}

/** The Recent sync health card: is data flowing, and what needs attention in the last 24 hours. */
export function HealthCard() {
  const h = health.value;
  return (
    <section class="card health" aria-labelledby="health-title">
      <div class="card__head">
        <h2 id="health-title">Recent sync health</h2>
        <Link href={PATHS.activity} class="btn btn--secondary btn--small">
          View logs
        </Link>
      </div>
      {!h && healthError.value && <Notice tone="error" title={healthError.value} onRetry={loadHealth} />}
      {!h && !healthError.value && <Skeleton kind="health" rows={1} bare />}
      {h && (
        <>
          <Warnings warnings={h.warnings} apiUsage={h.apiUsage} />
          <div class="health__grid">
            <LastRun title="Last inbound run" run={h.lastInbound} />
            <LastRun title="Last outbound run" run={h.lastOutbound} />
          </div>
          {h.inboundChecks.some((c) => c.lastCheckedAt || c.nextCheckAt || c.checking) && (
            <div class="health__checks">
              <h3>Salesforce checks</h3>
              <InboundChecks checks={h.inboundChecks} />
            </div>
          )}
          <dl class="health__stats">
            <div class={h.failedRuns24h ? "is-bad" : ""}>
              <dt>Failed runs in the last 24 hours</dt>
              <dd>{h.failedRuns24h === null ? "—" : fmt.format(h.failedRuns24h)}</dd>
            </div>
            <div class={h.failedRecords24h ? "is-bad" : ""}>
              <dt>Failed records in the last 24 hours</dt>
              <dd>{h.failedRecords24h === null ? "—" : fmt.format(h.failedRecords24h)}</dd>
            </div>
            {h.skippedRecords24h !== null && (
              <div>
                <dt>Skipped records in the last 24 hours</dt>
                <dd>{fmt.format(h.skippedRecords24h)}</dd>
              </div>
            )}
          </dl>
          <TopReasons reasons={h.topReasons} />
        </>
      )}
    </section>
  );
}
