import { setParallelReads } from "../edits";
import { bind, FieldError } from "../Field/Field";
import { draft, fieldId } from "../model";

const PATH = "parallelReads";
const CHOICES = [1, 2, 3, 4, 5];

/** How many reads a backfill runs against Salesforce at once (worker/settings/parallel-reads.ts). */
export function ParallelReads() {
  const value = draft.value!.parallelReads;
  const hintId = `${fieldId(PATH)}-hint`;
  return (
    <div class="field schedule__field">
      <label for={fieldId(PATH)}>Parallel reads during a backfill</label>
      <select
        {...bind(PATH, hintId)}
        value={value === undefined ? "" : String(value)}
        onChange={(e) => setParallelReads(e.currentTarget.value)}
      >
        {CHOICES.map((n) => (
          <option key={n} value={String(n)}>
            {n === 1 ? "1 (one read at a time)" : String(n)}
          </option>
        ))}
      </select>
      <p class="field__hint" id={hintId}>
        How many queries Conversion runs at once while it backfills a large object (its first sync): more finish it
        sooner. Each one holds one of the 10 open query cursors Salesforce allows a user, and every integration that
        signs in as the same Salesforce user shares them: lower this if another one runs out of cursors (its queries
        fail with INVALID_QUERY_LOCATOR).
      </p>
      <FieldError path={PATH} />
    </div>
  );
}
