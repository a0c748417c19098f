import type { Counts as CountsT } from "../../api/types";
import { COUNT_LABELS } from "../../format/labels";
import "./Counts.css";

const fmt = new Intl.NumberFormat();

/** The five counts every run carries, always all five so entries line up. */
export function Counts({ counts }: { counts: CountsT }) {
  return (
    <dl class="counts">
      {COUNT_LABELS.map(([key, label]) => (
        <div key={key} class={`counts__item counts__item--${key}${counts[key] ? " is-nonzero" : ""}`}>
          <dt>{label}</dt>
          <dd>{fmt.format(counts[key] ?? 0)}</dd>
        </div>
      ))}
    </dl>
  );
}
