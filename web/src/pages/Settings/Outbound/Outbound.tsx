import type { Settings } from "../../../api/settings";
import { Section } from "../../../layout/Section";
import { setOutbound } from "../edits";
import { bind, FieldError } from "../Field/Field";
import { draft, fieldId } from "../model";

type Switch = keyof Settings["outbound"];

const SWITCHES: [Switch, string, string][] = [
  [
    "writeLeadsAndContacts",
    "Write changes to Salesforce leads and contacts",
    "A contact changed in Conversion updates its Lead or Contact in Salesforce.",
  ],
  [
    "writeAccounts",
    "Write changes to Salesforce accounts",
    "A company changed in Conversion updates its Account in Salesforce.",
  ],
  [
    "createLeads",
    "Create Leads for new contacts",
    "A Conversion contact that is not in Salesforce yet is created there as a Lead (needs the first switch).",
  ],
];

/** The outbound switches: what Conversion may write to Salesforce. */
export function Outbound() {
  const o = draft.value!.outbound;
  return (
    <Section class="card" id="outbound" title="Writing to Salesforce">
      <fieldset class="switches">
        <legend class="card__intro">
          What Conversion may write to Salesforce. A change a switch keeps back is listed in Sync activity as skipped:
          “Object write disabled”.
        </legend>
        {SWITCHES.map(([key, label, hint]) => {
          const path = `outbound.${key}`;
          return (
            <div key={key} class="check switches__item">
              <input
                type="checkbox"
                {...bind(path, `${fieldId(path)}-hint`)}
                checked={o[key]}
                onChange={(e) => setOutbound(key, e.currentTarget.checked)}
              />
              <div>
                <label for={fieldId(path)}>{label}</label>
                <p class="field__hint" id={`${fieldId(path)}-hint`}>
                  {hint}
                </p>
                <FieldError path={path} />
              </div>
            </div>
          );
        })}
      </fieldset>
    </Section>
  );
}
