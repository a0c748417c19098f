import { useEffect } from "preact/hooks";
import type { InboundCheck } from "../../api/types";
import { salesforceObjectLabel } from "../../format/labels";
import { ago, now, tickNow, until } from "../../format/relative";
import { formatTime } from "../../format/time";
import "./InboundChecks.css";

function When({ iso, text }: { iso: string; text: string }) {
  return (
    <time dateTime={iso} title={formatTime(iso)}>
      {text}
    </time>
  );
}

/** "Last checked 2 min ago · next check in 3 min" (or "Checking now"), for one object or the newest of all. */
function Line({ check, at }: { check: InboundCheck; at: number }) {
  return (
    <>
      {check.checking ? (
        "Checking now"
      ) : check.lastCheckedAt ? (
        <>
          Last checked <When iso={check.lastCheckedAt} text={ago(check.lastCheckedAt, at)} />
        </>
      ) : (
        "Not checked yet"
      )}
      {check.nextCheckAt && !check.checking && (
        <>
          {" · "}next check <When iso={check.nextCheckAt} text={until(check.nextCheckAt, at)} />
        </>
      )}
    </>
  );
}

/**
 * When Salesforce was last read for each inbound object and when the next scheduled read is due, so
 * a quiet org (no changes, no new runs) still shows that syncing is alive. `compact` gives one line
 * (the most recent check) with the objects behind a disclosure, for Sync activity.
 */
export function InboundChecks({ checks, compact }: { checks: InboundCheck[]; compact?: boolean }) {
  useEffect(tickNow, []);
  // Never checked and nothing due (not connected): nothing to say yet.
  if (!checks.some((c) => c.lastCheckedAt || c.nextCheckAt || c.checking)) return null;
  const at = now.value;
  const list = (
    <ul class="checks plain">
      {checks.map((c) => (
        <li key={c.salesforceObject}>
          <span class="checks__object">{salesforceObjectLabel(c.salesforceObject)}</span>
          <span class="checks__when">
            <Line check={c} at={at} />
          </span>
        </li>
      ))}
    </ul>
  );
  if (!compact) return list;
  const newest = checks.reduce((a, b) => ((b.lastCheckedAt ?? "") > (a.lastCheckedAt ?? "") ? b : a));
  const summary = { ...newest, checking: checks.some((c) => c.checking) };
  return (
    <details class="checks__compact">
      <summary>
        Salesforce: <Line check={summary} at={at} />
      </summary>
      {list}
    </details>
  );
}
