import type { MappingDirection, MappingKind, WriteRule } from "../../../api/settings";
import { catalog, mappingFields } from "../catalog";
import { EditButton } from "../EditButton";
import { addMapping, removeMapping, setMapping } from "../edits";
import { bind, FieldError, FieldPicker } from "../Field/Field";
import { draft, fieldId } from "../model";
import "./Mappings.css";
import { Section } from "../../../layout/Section";

const DIRECTIONS: [MappingDirection, string][] = [
  ["both", "Both ways"],
  ["inbound", "Salesforce → Conversion"],
  ["outbound", "Conversion → Salesforce"],
];

const WRITE_RULES: [WriteRule, string][] = [
  ["always", "Always"],
  ["if_empty", "Only when empty in Salesforce"],
  ["never", "Never"],
];

const TITLES: Record<MappingKind, string> = {
  contact: "Contacts (Salesforce Leads and Contacts)",
  company: "Companies (Salesforce Accounts)",
};

function Select<T extends string>(props: {
  path: string;
  label: string;
  row: string;
  value: T;
  choices: [T, string][];
  onChange: (v: T) => void;
}) {
  return (
    <div class="field">
      <label for={fieldId(props.path)}>
        {props.label}
        <span class="visually-hidden"> for {props.row}</span>
      </label>
      <select {...bind(props.path)} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as T)}>
        {props.choices.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
      <FieldError path={props.path} />
    </div>
  );
}

function MappingTable({ kind }: { kind: MappingKind }) {
  const rows = draft.value!.fieldMappings[kind];
  const conversion = catalog.value?.conversion[kind] ?? null;
  const words = (name: string) => conversion?.find((f) => f.name === name)?.label ?? (name || "a new mapping");
  const base = `fieldMappings.${kind}`;
  return (
    <div class="mapping">
      <h3 id={`field-mapping-${kind}`} tabIndex={-1}>
        {TITLES[kind]}
      </h3>
      <FieldError path={base} />
      {rows.length === 0 && (
        <p class="meta">
          No fields are mapped: nothing syncs for {kind === "contact" ? "contacts" : "companies"} but the records
          themselves.
        </p>
      )}
      <ul class="plain">
        {rows.map((m, i) => {
          const row = words(m.conversionField);
          const path = `${base}.${i}`;
          return (
            <li key={i}>
              <fieldset class="mapping__row">
                <legend class="visually-hidden">
                  Mapping {i + 1}: {row}
                </legend>
                <FieldPicker
                  path={`${path}.conversionField`}
                  label={
                    <>
                      Conversion field<span class="visually-hidden"> (mapping {i + 1})</span>
                    </>
                  }
                  value={m.conversionField}
                  options={conversion}
                  labelsOnly
                  onChange={(conversionField) => setMapping(kind, i, { conversionField })}
                />
                <FieldPicker
                  path={`${path}.salesforceField`}
                  label={
                    <>
                      Salesforce field<span class="visually-hidden"> for {row}</span>
                    </>
                  }
                  value={m.salesforceField}
                  options={mappingFields.value[kind]}
                  onChange={(salesforceField) => setMapping(kind, i, { salesforceField })}
                />
                <Select
                  path={`${path}.direction`}
                  label="Direction"
                  row={row}
                  value={m.direction}
                  choices={DIRECTIONS}
                  onChange={(direction) => setMapping(kind, i, { direction })}
                />
                <Select
                  path={`${path}.writeRule`}
                  label="Write to Salesforce"
                  row={row}
                  value={m.writeRule}
                  choices={WRITE_RULES}
                  onChange={(writeRule) => setMapping(kind, i, { writeRule })}
                />
                <EditButton
                  class="btn btn--secondary btn--small mapping__remove"
                  onEdit={() => removeMapping(kind, i)}
                  focus={`add-mapping-${kind}`}
                >
                  Remove<span class="visually-hidden"> the mapping of {row}</span>
                </EditButton>
              </fieldset>
            </li>
          );
        })}
      </ul>
      <EditButton
        id={`add-mapping-${kind}`}
        class="btn btn--secondary btn--small"
        onEdit={() => addMapping(kind)}
        focus={fieldId(`${base}.${rows.length}.conversionField`)}
      >
        Add a {kind} field
      </EditButton>
    </div>
  );
}

/** Conversion field ↔ Salesforce field, which way changes flow, and when Conversion may write Salesforce's. */
export function Mappings() {
  return (
    <Section class="card" id="field-mapping" title="Field mapping">
      <p class="card__intro">
        Which Salesforce field each Conversion field syncs with, which way changes flow, and when a change may be
        written to Salesforce. A push with no field left to write is skipped as “No fields to update”.
      </p>
      <MappingTable kind="contact" />
      <MappingTable kind="company" />
    </Section>
  );
}
