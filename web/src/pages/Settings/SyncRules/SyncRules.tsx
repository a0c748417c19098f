import type { SyncRule } from "../../../api/settings";
import { salesforceObjectLabel, syncObjects } from "../../../format/labels";
import { catalog, orgFields } from "../catalog";
import { EditButton } from "../EditButton";
import { addRule, removeRule, ruleValue, setRule } from "../edits";
import { bind, FieldError, FieldPicker } from "../Field/Field";
import { draft, fieldId } from "../model";
import "./SyncRules.css";
import { Section } from "../../../layout/Section";

/** Focus moves to what the button made, once Preact has drawn it. */

function Value({ rule, index }: { rule: SyncRule; index: number }) {
  const path = `syncRules.${index}.equals`;
  const field = catalog.value?.salesforce.objects[rule.object]?.fields.find((f) => f.name === rule.field);
  const text = rule.equals === null ? "" : String(rule.equals);
  const set = (raw: string) => setRule(index, { equals: ruleValue(rule.object, rule.field, raw) });
  const label = (
    <label for={fieldId(path)}>
      Equals<span class="visually-hidden"> (rule {index + 1})</span>
    </label>
  );
  const choices =
    field?.type === "boolean"
      ? [
          ["true", "true (checked)"],
          ["false", "false (unchecked)"],
        ]
      : field?.picklistValues?.map((v) => [v, v]);
  return (
    <div class="field rule__value">
      {label}
      {choices ? (
        <select {...bind(path)} value={text} onChange={(e) => set(e.currentTarget.value)}>
          {!choices.some(([v]) => v === text) && <option value={text}>{text || "Choose a value"}</option>}
          {choices.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      ) : (
        <input {...bind(path)} type="text" value={text} onInput={(e) => set(e.currentTarget.value)} />
      )}
      <FieldError path={path} />
    </div>
  );
}

/** Records that match a rule are not brought into Conversion ("Do not sync"). */
export function SyncRules() {
  const d = draft.value!;
  const objects = syncObjects(d.eventObject);
  return (
    <Section class="card" id="sync-rules" title="Sync rules">
      <p class="card__intro">
        A Salesforce record whose field equals the value of a rule is not brought into Conversion. Sync activity lists
        it as skipped with the message “Do not sync”.
      </p>
      <FieldError path="syncRules" />
      {d.syncRules.length === 0 && <p class="meta">No sync rules: every record of an object that syncs is synced.</p>}
      <ul class="plain rules">
        {d.syncRules.map((rule, i) => {
          const objectPath = `syncRules.${i}.object`;
          const fields = orgFields(rule.object);
          return (
            <li key={i}>
              <fieldset class="rule">
                <legend class="rule__legend">Rule {i + 1}</legend>
                <div class="field">
                  <label for={fieldId(objectPath)}>
                    Object<span class="visually-hidden"> (rule {i + 1})</span>
                  </label>
                  <select
                    {...bind(objectPath)}
                    value={rule.object}
                    onChange={(e) => setRule(i, { object: e.currentTarget.value })}
                  >
                    {!objects.includes(rule.object) && <option value={rule.object}>{rule.object}</option>}
                    {objects.map((o) => (
                      <option key={o} value={o}>
                        {salesforceObjectLabel(o)} ({o})
                      </option>
                    ))}
                  </select>
                  <FieldError path={objectPath} />
                </div>
                <FieldPicker
                  path={`syncRules.${i}.field`}
                  label={
                    <>
                      Field<span class="visually-hidden"> (rule {i + 1})</span>
                    </>
                  }
                  value={rule.field}
                  options={fields}
                  onChange={(field) => setRule(i, { field })}
                />
                <Value rule={rule} index={i} />
                <EditButton
                  class="btn btn--secondary btn--small rule__remove"
                  onEdit={() => removeRule(i)}
                  focus="add-rule"
                >
                  Remove<span class="visually-hidden"> rule {i + 1}</span>
                </EditButton>
              </fieldset>
            </li>
          );
        })}
      </ul>
      <EditButton
        id="add-rule"
        class="btn btn--secondary"
        onEdit={addRule}
        focus={fieldId(`syncRules.${d.syncRules.length}.object`)}
      >
        Add a rule
      </EditButton>
    </Section>
  );
}
