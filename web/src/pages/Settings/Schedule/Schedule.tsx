import type { ComponentChildren } from "preact";
import { PATHS } from "../../../app/routes";
import { Section } from "../../../layout/Section";
import { Link } from "../../../router/Link";
import { setBudget, setSyncInterval } from "../edits";
import { bind, FieldError } from "../Field/Field";
import { draft, fieldId } from "../model";
import { ParallelReads } from "./ParallelReads";

function NumberField(props: {
  path: string;
  label: string;
  value: number | null;
  onInput: (raw: string) => void;
  hint: ComponentChildren;
  min: number;
  max?: number;
}) {
  const hintId = `${fieldId(props.path)}-hint`;
  return (
    <div class="field schedule__field">
      <label for={fieldId(props.path)}>{props.label}</label>
      <input
        {...bind(props.path, hintId)}
        type="number"
        inputMode="numeric"
        min={props.min}
        max={props.max}
        step={1}
        value={props.value === null ? "" : String(props.value)}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      <p class="field__hint" id={hintId}>
        {props.hint}
      </p>
      <FieldError path={props.path} />
    </div>
  );
}

/** How often inbound sync checks Salesforce, the integration's own daily API budget, and how many reads a backfill runs at once. */
export function Schedule() {
  const d = draft.value!;
  return (
    <Section class="card" id="schedule" title="Schedule and API budget">
      <div class="schedule">
        <NumberField
          path="syncIntervalMinutes"
          label="Sync interval (minutes)"
          value={d.syncIntervalMinutes}
          onInput={setSyncInterval}
          min={1}
          max={1440}
          hint="How often Conversion checks Salesforce for changes: 1 to 1,440 minutes. Sync now on the Overview tab checks at once."
        />
        <NumberField
          path="apiDailyBudget"
          label="Daily Salesforce API budget (calls)"
          value={d.apiDailyBudget}
          onInput={setBudget}
          min={1}
          hint={
            <>
              The most calls this integration makes per day (UTC); syncing pauses when they are spent. Empty: no budget
              of its own. <Link href={`${PATHS.overview}#limits-title`}>Today’s usage is under Rate limits</Link>.
            </>
          }
        />
        <ParallelReads />
      </div>
    </Section>
  );
}
