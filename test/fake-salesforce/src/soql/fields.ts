// Resolving field paths (Email, Account.Name) against the schema, case-insensitively, and
// checking filter values against field types the way Salesforce's SOQL compiler does.

import { readField } from "../format";
import { normalizeId } from "../ids";
import { type FieldDef, type ObjectDef, objectByName, type Rec } from "../schema";
import type { Store } from "../store";
import type { FieldPath, Literal } from "./ast";
import { SoqlError } from "./errors";

export interface ResolvedField {
  field: FieldDef;
  /** The lookup on the queried object when the path goes through a parent (Account.Name). */
  via?: { lookup: FieldDef; parent: ObjectDef };
  get(row: Rec): unknown;
  parentOf?(row: Rec): Rec | null;
}

const noColumn = (name: string, object: string, pos: number) =>
  new SoqlError(
    "INVALID_FIELD",
    `No such column '${name}' on entity '${object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    pos,
  );

export function resolveField(def: ObjectDef, fp: FieldPath, store: Store): ResolvedField {
  const parts = fp.path.split(".");
  if (parts.length === 1) {
    const field = def.byName.get(parts[0].toLowerCase());
    // A field hidden by field-level security answers exactly as one that does not exist.
    if (!field || store.hiddenField(def.name, field.name)) throw noColumn(parts[0], def.name, fp.pos);
    return { field, get: (r) => readField(field, r) };
  }
  const lookup = parts.length === 2 ? def.byRelationship.get(parts[0].toLowerCase()) : undefined;
  const parent = lookup ? objectByName(lookup.referenceTo!) : undefined;
  if (!lookup || !parent) {
    throw new SoqlError(
      "INVALID_FIELD",
      `Didn't understand relationship '${parts[0]}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
      fp.pos,
    );
  }
  const field = parent.byName.get(parts[1].toLowerCase());
  if (!field || store.hiddenField(parent.name, field.name)) throw noColumn(parts[1], parent.name, fp.pos);
  const table = store.table(parent.name)!;
  const parentOf = (r: Rec): Rec | null => {
    const id = r[lookup.name] as string | null;
    const p = id ? table.byId.get(id) : undefined;
    return p && !p.IsDeleted ? p : null;
  };
  return {
    field,
    via: { lookup, parent },
    parentOf,
    get: (r) => {
      const p = parentOf(r);
      return p ? readField(field, p) : null;
    },
  };
}

export const isText = (f: FieldDef) =>
  f.type === "string" ||
  f.type === "email" ||
  f.type === "phone" ||
  f.type === "url" ||
  f.type === "picklist" ||
  f.type === "textarea";
export const isId = (f: FieldDef) => f.type === "id" || f.type === "reference";

const typeError = (f: FieldDef, type: string, quoted: boolean, pos: number) =>
  new SoqlError(
    "INVALID_FIELD",
    `value of filter criterion for field '${f.name}' must be of type ${type} and ${quoted ? "should be enclosed in quotes" : "should not be enclosed in quotes"}`,
    pos,
  );

/** The stored-form value a literal stands for, compared against this field; throws on type mismatch. */
export function literalFor(f: FieldDef, lit: Literal): unknown {
  if (lit.kind === "null") return null;
  if (isId(f)) {
    if (lit.kind !== "string") throw typeError(f, "id", true, lit.pos);
    if (lit.value === "") return null;
    const id = normalizeId(lit.value);
    if (!id) throw new SoqlError("INVALID_QUERY_FILTER_OPERATOR", `invalid ID field: ${lit.value}`, lit.pos);
    return id;
  }
  if (isText(f)) {
    if (lit.kind !== "string") throw typeError(f, "string", true, lit.pos);
    return lit.value === "" ? null : lit.value.toLowerCase();
  }
  const want = { boolean: "boolean", datetime: "datetime", date: "date", currency: "number" }[f.type as string];
  const label = { boolean: "boolean", datetime: "dateTime", date: "date", currency: "double" }[f.type as string];
  if (lit.kind !== want) throw typeError(f, label ?? f.type, false, lit.pos);
  return lit.value;
}

/** The comparable form of a stored value: text compares case-insensitively in SOQL. */
export function comparable(f: FieldDef, v: unknown): unknown {
  if (v === null || v === undefined || v === "") return null;
  return isText(f) ? (v as string).toLowerCase() : v;
}
