import type { RecordStatus, RunStatus } from "../../api/types";
import { RECORD_STATUS, RUN_STATUS } from "../../format/labels";
import "./StatusBadge.css";

type Props = { run: RunStatus; record?: never } | { record: RecordStatus; run?: never };

/** The status in words, with colour and a glyph as extra cues (never colour alone). */
export function StatusBadge(props: Props) {
  const status = props.run ?? props.record;
  const text = props.run ? RUN_STATUS[props.run] : RECORD_STATUS[props.record];
  return (
    <span class={`badge badge--${status}`}>
      <span class="badge__icon" aria-hidden="true" />
      {text ?? status}
    </span>
  );
}
