// Building stored rows. Every row of an object gets its fields in the same order, so V8 gives all of
// them one hidden class; that keeps 100,000+ rows compact.
import type { FieldDef, ObjectDef, Rec } from "./schema";

const STORED = new WeakMap<ObjectDef, FieldDef[]>();
const TEMPLATES = new WeakMap<ObjectDef, Record<string, unknown>>();

/** Fields kept on the row (computed fields are derived when read). */
export function storedFields(def: ObjectDef): FieldDef[] {
  let fields = STORED.get(def);
  if (!fields) {
    fields = def.fields.filter((f) => !f.compute);
    STORED.set(def, fields);
  }
  return fields;
}

export interface Audit {
  id: string;
  created: number;
  modified: number;
  stamp: number;
  userId: string;
  deleted?: boolean;
}

// A row of defaults (false for checkboxes, picklist defaults). It goes through JSON.parse because
// V8 then lays its fields out in-object, and spreading such an object is a fast, compact copy.
function template(def: ObjectDef): Record<string, unknown> {
  let t = TEMPLATES.get(def);
  if (!t) {
    const fields: Record<string, unknown> = {};
    for (const f of storedFields(def)) fields[f.name] = f.type === "boolean" ? false : (f.defaultValue ?? null);
    t = JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
    TEMPLATES.set(def, t);
  }
  return t;
}

/** A complete row: the values given, defaults for the rest. */
export function newRow(def: ObjectDef, values: Record<string, unknown>, audit: Audit): Rec {
  const row: Record<string, unknown> = { ...template(def) };
  for (const f of storedFields(def)) {
    const v = values[f.name];
    if (v !== undefined) row[f.name] = v;
  }
  row.Id = audit.id;
  row.IsDeleted = audit.deleted ?? false;
  row.CreatedDate = audit.created;
  row.CreatedById = audit.userId;
  row.LastModifiedDate = audit.modified;
  row.LastModifiedById = audit.userId;
  row.SystemModstamp = audit.stamp;
  return row as Rec;
}

/** A copy of the row with changes and fresh modification stamps; the original stays untouched. */
export function changedRow(old: Rec, changes: Record<string, unknown>, stamp: number, userId: string): Rec {
  const next = { ...old, ...changes } as Rec;
  next.LastModifiedDate = stamp;
  next.LastModifiedById = userId;
  next.SystemModstamp = stamp;
  return next;
}
