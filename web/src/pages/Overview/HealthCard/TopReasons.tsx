import type { TopReason } from "../../../api/health";
import { WhatToDo } from "../../../components/SettingLink/SettingLink";
import { RECORD_STATUS } from "../../../format/labels";

const fmt = new Intl.NumberFormat();
const DIRECTION_WORD = { inbound: "Inbound", outbound: "Outbound" } as const;

/** Skipped and failed records grouped by message, biggest first, each with what it means and what to do. */
export function TopReasons({ reasons }: { reasons: TopReason[] }) {
  if (!reasons.length) {
    return <p class="health__none">No skipped or failed records in the last 24 hours.</p>;
  }
  return (
    <div class="health__reasons">
      <h3>Top reasons</h3>
      <ul class="plain">
        {reasons.map((r) => (
          <li key={`${r.direction}-${r.status}-${r.code}`} class={`reason reason--${r.status ?? "other"}`}>
            <p class="reason__head">
              <strong>{r.message}</strong>
              <span class="reason__count">
                {r.direction && `${DIRECTION_WORD[r.direction]} · `}
                {fmt.format(r.count)} {r.count === 1 ? "record" : "records"}
                {r.status && ` · ${RECORD_STATUS[r.status]}`}
              </span>
            </p>
            {r.explanation && <p class="reason__text">{r.explanation}</p>}
            <WhatToDo action={r.action} code={r.code} class="reason__text" />
          </li>
        ))}
      </ul>
    </div>
  );
}
