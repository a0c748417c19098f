// Write validation in Salesforce's order and words: the JSON must deserialize into the field types
// (else the whole request fails with JSON_PARSER_ERROR), then each record is checked for unknown and
// read-only fields, lengths, restricted picklists, email format, lookups and required fields.
import { isValidDate, parseDateTime } from "./clock";
import { ApiError } from "./http";
import { normalizeId } from "./ids";
import { type FieldDef, type ObjectDef, objectByName } from "./schema";
import type { Store } from "./store";

export interface SaveError {
  statusCode: string;
  message: string;
  fields: string[];
}

export const saveError = (statusCode: string, message: string, fields: string[] = []): SaveError => ({
  statusCode,
  message,
  fields,
});

const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const SIZED = new Set(["string", "email", "phone", "url", "picklist", "textarea"]);

function tokenKind(v: unknown): string {
  if (typeof v === "string") return "VALUE_STRING";
  if (typeof v === "number") return Number.isInteger(v) ? "VALUE_NUMBER_INT" : "VALUE_NUMBER_FLOAT";
  if (typeof v === "boolean") return v ? "VALUE_TRUE" : "VALUE_FALSE";
  return Array.isArray(v) ? "START_ARRAY" : "START_OBJECT";
}

function parserError(type: string, v: unknown): ApiError {
  const shown = typeof v === "object" ? "" : ` value ${String(v)}`;
  return new ApiError(
    400,
    "JSON_PARSER_ERROR",
    `Cannot deserialize instance of ${type} from ${tokenKind(v)}${shown} or request may be missing a required field`,
  );
}

/** JSON value to stored value; throws JSON_PARSER_ERROR when the JSON type cannot become the field type. */
export function convertValue(f: FieldDef, v: unknown): unknown {
  if (v === null) return f.type === "boolean" ? false : null;
  switch (f.type) {
    case "boolean":
      if (typeof v === "boolean") return v;
      throw parserError("boolean", v);
    case "datetime": {
      const t = typeof v === "string" ? parseDateTime(v) : null;
      if (t === null) throw parserError("datetime", v);
      return t;
    }
    case "date":
      if (typeof v === "string" && isValidDate(v)) return v;
      throw parserError("date", v);
    case "currency":
      if (typeof v === "number") return v;
      if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
      throw parserError("double", v);
  }
  if (typeof v === "string") return v === "" ? null : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw parserError("String", v);
}

function checkLookup(f: FieldDef, raw: string, store: Store): SaveError | null {
  const id = normalizeId(raw);
  if (!id) return saveError("MALFORMED_ID", `${f.label}: id value of incorrect type: ${raw}`, [f.name]);
  const target = objectByName(f.referenceTo!);
  if (!target || id.slice(0, 3) !== target.keyPrefix) {
    return saveError("FIELD_INTEGRITY_EXCEPTION", `${f.label}: id value of incorrect type: ${raw}`, [f.name]);
  }
  const row = store.table(target.name)!.byId.get(id);
  if (!row) return saveError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [f.name]);
  if (row.IsDeleted) return saveError("ENTITY_IS_DELETED", "entity is deleted", [f.name]);
  return null;
}

export interface Checked {
  values: Record<string, unknown>;
  errors: SaveError[];
}

/**
 * Input fields (any case) to stored values under canonical names, with the record's errors.
 * `skip` lists input keys that are not field values (attributes, the id of an update).
 */
export function checkValues(
  def: ObjectDef,
  input: Record<string, unknown>,
  mode: "create" | "update",
  store: Store,
  skip: string[] = [],
): Checked {
  const values: Record<string, unknown> = {};
  const readOnly: string[] = [];
  for (const [key, raw] of Object.entries(input)) {
    if (key === "attributes" || skip.includes(key.toLowerCase())) continue;
    const f = def.byName.get(key.toLowerCase());
    // A field hidden by field-level security (or absent from this org) is one that does not exist.
    if (!f || store.hiddenField(def.name, f.name))
      return { values, errors: [saveError("INVALID_FIELD", `No such column '${key}' on sobject of type ${def.name}`)] };
    if (!(mode === "create" ? f.createable : f.updateable)) readOnly.push(f.name);
    values[f.name] = convertValue(f, raw);
  }
  if (readOnly.length) {
    return {
      values,
      errors: [
        saveError(
          "INVALID_FIELD_FOR_INSERT_UPDATE",
          `Unable to ${mode} fields: ${readOnly.join(", ")}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          readOnly,
        ),
      ],
    };
  }
  const errors: SaveError[] = [];
  for (const [name, v] of Object.entries(values)) {
    if (v === null) continue;
    const f = def.byName.get(name.toLowerCase())!;
    if (SIZED.has(f.type) && (v as string).length > f.length) {
      errors.push(
        saveError("STRING_TOO_LONG", `${f.label}: data value too large: ${v} (max length=${f.length})`, [f.name]),
      );
    } else if (f.type === "picklist" && f.restricted && !f.picklist!.includes(v as string)) {
      errors.push(
        saveError(
          "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
          `${f.label}: bad value for restricted picklist field: ${v}`,
          [f.name],
        ),
      );
    } else if (f.type === "email" && !EMAIL.test(v as string)) {
      errors.push(saveError("INVALID_EMAIL_ADDRESS", `${f.label}: invalid email address: ${v}`, [f.name]));
    } else if (f.type === "reference") {
      const e = checkLookup(f, v as string, store);
      if (e) errors.push(e);
      else values[name] = normalizeId(v as string);
    }
  }
  const missing = def.required.filter((f) =>
    mode === "create" ? values[f.name] == null : f.name in values && values[f.name] === null,
  );
  if (missing.length) {
    const names = missing.map((f) => f.name);
    errors.unshift(saveError("REQUIRED_FIELD_MISSING", `Required fields are missing: [${names.join(", ")}]`, names));
  }
  return { values, errors };
}
