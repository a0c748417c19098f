import type { ComponentChildren } from "preact";
import { catalogPhase } from "../catalog";
import { fieldErrors, fieldId } from "../model";
import "./Field.css";

/**
 * The attributes that tie an input to its API field path: its id (links to a setting point at it),
 * and, when the last save was refused for this field, aria-invalid and the message as its description.
 */
export function bind(path: string, hintId?: string) {
  const error = fieldErrors.value[path];
  const describedBy = [hintId, error ? `${fieldId(path)}-error` : null].filter(Boolean).join(" ");
  return {
    id: fieldId(path),
    "aria-invalid": error ? ("true" as const) : undefined,
    "aria-describedby": describedBy || undefined,
  };
}

/** The API's message for this field, under it. */
export function FieldError({ path }: { path: string }) {
  const error = fieldErrors.value[path];
  if (!error) return null;
  return (
    <p id={`${fieldId(path)}-error`} class="field__error">
      {error}
    </p>
  );
}

interface PickerProps {
  path: string;
  label: ComponentChildren;
  value: string;
  /** The choices (API name and label); null when they are not known: the field is then typed. */
  options: { name: string; label: string }[] | null;
  onChange: (value: string) => void;
  hintId?: string;
  /** Options show their label only (Conversion's fields); else "Label (ApiName)", as Salesforce admins know both. */
  labelsOnly?: boolean;
}

/**
 * A Salesforce or Conversion field: chosen from the org's describe when the catalog has it, typed
 * as an API name when it does not (not connected, describe refused). A saved value the list does not
 * know stays selectable, so loading the list never changes a setting by itself.
 */
export function FieldPicker({ path, label, value, options, onChange, hintId, labelsOnly }: PickerProps) {
  const id = fieldId(path);
  const loading = !options && catalogPhase.value === "loading";
  const known = options?.some((o) => o.name === value);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {options || loading ? (
        <select
          {...bind(path, hintId)}
          value={value}
          aria-busy={loading ? "true" : undefined}
          onChange={(e) => onChange(e.currentTarget.value)}
        >
          {!value && <option value="">Choose a field</option>}
          {value && !known && <option value={value}>{loading ? value : `${value} (not in the list)`}</option>}
          {options?.map((o) => (
            <option key={o.name} value={o.name}>
              {labelsOnly || o.label === o.name ? o.label : `${o.label} (${o.name})`}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...bind(path, hintId)}
          type="text"
          value={value}
          spellcheck={false}
          autocomplete="off"
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      )}
      <FieldError path={path} />
    </div>
  );
}
