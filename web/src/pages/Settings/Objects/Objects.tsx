import type { WriteMode } from "../../../api/settings";
import { salesforceObjectLabel, syncObjects } from "../../../format/labels";
import { catalog } from "../catalog";
import { setObject } from "../edits";
import { bind, FieldError } from "../Field/Field";
import { draft, fieldId } from "../model";
import "./Objects.css";
import { Section } from "../../../layout/Section";

export const WRITE_MODES: [WriteMode, string][] = [
  ["create_or_update", "Create and update records"],
  ["update_only", "Only update existing records"],
  ["create_only", "Only create new records"],
];

/** Each object the sync reads: on or off, and what its sync may do to Conversion's records. */
export function Objects() {
  const d = draft.value!;
  return (
    <Section class="card" id="objects" title="Objects">
      <p class="card__intro">
        Which Salesforce objects sync into Conversion, and the write mode of each: a record that does not fit it is
        skipped as “Write mode mismatch”.
      </p>
      <ul class="plain objects">
        {syncObjects(d.eventObject).map((name) => {
          const o = d.objects[name] ?? { enabled: false, writeMode: "create_or_update" as const };
          const words = salesforceObjectLabel(name);
          const enabled = `objects.${name}.enabled`;
          const mode = `objects.${name}.writeMode`;
          const refused = catalog.value?.salesforce.objects[name]?.error;
          const hint = name === d.eventObject ? `${fieldId(enabled)}-hint` : undefined;
          return (
            <li key={name} class="objects__row">
              <div class="check objects__switch">
                <input
                  type="checkbox"
                  {...bind(enabled, hint)}
                  checked={o.enabled}
                  onChange={(e) => setObject(name, { enabled: e.currentTarget.checked })}
                />
                <div>
                  <label for={fieldId(enabled)}>Sync {words}</label>
                  <p class="field__hint">
                    <span class="mono">{name}</span>
                    {name === d.eventObject && (
                      <span id={hint}> · custom events; turn on once your org has this object</span>
                    )}
                  </p>
                  {refused && o.enabled && <p class="field__error">Salesforce: {refused.message}</p>}
                  <FieldError path={enabled} />
                </div>
              </div>
              <div class="field objects__mode">
                <label for={fieldId(mode)}>
                  Write mode<span class="visually-hidden"> for {words}</span>
                </label>
                <select
                  {...bind(mode)}
                  value={o.writeMode}
                  onChange={(e) => setObject(name, { writeMode: e.currentTarget.value as WriteMode })}
                >
                  {WRITE_MODES.map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
                <FieldError path={mode} />
              </div>
            </li>
          );
        })}
      </ul>
    </Section>
  );
}
