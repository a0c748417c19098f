import type { Run } from "../../api/types";
import { timeLeft } from "../../format/relative";
import "./RunProgress.css";

const fmt = new Intl.NumberFormat();

/**
 * How far an in-progress batch is: records read of Salesforce's total for the batch, a bar, and the
 * time left at the rate so far. Nothing once the run has finished (or for runs that carry no total).
 */
export function RunProgress({ run }: { run: Run }) {
  const p = run.status === "in_progress" ? run.progress : null;
  if (!p || p.total <= 0) return null;
  const id = `progress-${run.id}`;
  return (
    <div class="progress">
      <label for={id} class="progress__label">
        {fmt.format(p.done)} of {fmt.format(p.total)} records · {timeLeft(p.etaSeconds)}
      </label>
      <progress id={id} max={p.total} value={p.done}>
        {Math.floor((p.done / p.total) * 100)}%
      </progress>
    </div>
  );
}
