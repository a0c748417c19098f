import type { ComponentChildren } from "preact";
import type { Direction, RecordHistoryEntry, RunRecord } from "../../api/types";
import { ACTION, salesforceObjectLabel } from "../../format/labels";
import { salesforceRecordUrl } from "../../lib/safeUrl";
import { Fact } from "../Fact/Fact";
import { LocalTime } from "../LocalTime/LocalTime";
import { SettingLink } from "../SettingLink/SettingLink";
import { StatusBadge } from "../StatusBadge/StatusBadge";
import { Changes, Value } from "./Changes";
import "./RecordItem.css";

interface Props {
  record: RunRecord | RecordHistoryEntry;
  instanceUrl: string | null;
  /** The run's direction: which side's field names "What changed" lists. */
  direction?: Direction;
  /** Record history puts the run this record belongs to above it. */
  context?: ComponentChildren;
}

/**
 * One record of a run. Everything from the record (label, messages, values) is rendered as text by
 * Preact, never as HTML: a name like `<img onerror=…>` shows up literally.
 */
export function RecordItem({ record: r, instanceUrl, direction, context }: Props) {
  const sfUrl = salesforceRecordUrl(instanceUrl, r.salesforceId);
  const err = r.salesforceError;
  return (
    <li class={`record record--${r.status}`}>
      {context && <div class="record__context">{context}</div>}
      <div class="record__head">
        <h3 class="record__label">{r.label || r.salesforceId || r.conversionId || "Unnamed record"}</h3>
        <StatusBadge record={r.status} />
        {r.action && <span class="record__action">{ACTION[r.action] ?? r.action}</span>}
      </div>
      {r.reason && (
        <p class="record__reason">
          <strong>{r.reason.message}</strong>
          {r.reason.explanation && <span class="record__explanation"> — {r.reason.explanation}</span>}
          {r.reason.detail && <span class="record__detail">{r.reason.detail}</span>}
        </p>
      )}
      {r.reason && (
        <SettingLink code={r.reason.code} salesforceObject={r.salesforceObject} salesforceId={r.salesforceId} />
      )}
      {err && (
        <p class="record__sf-error">
          <span class="record__sf-error-label">Salesforce said: </span>
          {err.statusCode && <code>{err.statusCode}</code>} {err.message}
          {err.fields?.length ? <span> (fields: {err.fields.join(", ")})</span> : null}
        </p>
      )}
      <dl class="record__facts">
        <Fact term="Salesforce ID">
          {sfUrl ? (
            <a class="mono" href={sfUrl} target="_blank" rel="noopener noreferrer">
              {r.salesforceId}
              <span class="visually-hidden"> (opens Salesforce in a new tab)</span>
            </a>
          ) : (
            <span class="mono">{r.salesforceId ?? "—"}</span>
          )}
          {r.salesforceObject && <span class="record__object"> {salesforceObjectLabel(r.salesforceObject, true)}</span>}
        </Fact>
        <Fact term="Conversion ID" class="mono">
          {r.conversionId ? <Value value={r.conversionId} /> : "—"}
        </Fact>
        <Fact term="Created in Salesforce">
          <LocalTime iso={r.externalCreatedAt} />
        </Fact>
        <Fact term="Updated in Salesforce">
          <LocalTime iso={r.externalUpdatedAt} />
        </Fact>
      </dl>
      <Changes
        changes={r.changes}
        direction={direction ?? ("run" in r ? r.run.direction : undefined)}
        salesforceObject={r.salesforceObject}
      />
    </li>
  );
}
