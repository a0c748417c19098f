// Rows as Salesforce writes them on the wire: attributes first, datetimes as ...000+0000.
import { formatDateTime } from "./clock";
import type { FieldDef, ObjectDef, Rec } from "./schema";

export const recordUrl = (version: string, object: string, id: string) =>
  `/services/data/v${version}/sobjects/${object}/${id}`;

export function readField(f: FieldDef, row: Rec): unknown {
  return f.compute ? f.compute(row) : row[f.name];
}

export function toWire(f: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (f.type === "datetime") return formatDateTime(value as number);
  return value;
}

/** Every field of a row (or the chosen ones), as a GET /sobjects/{Object}/{Id} returns it. */
export function wireRecord(def: ObjectDef, row: Rec, version: string, fields?: FieldDef[]): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: def.name, url: recordUrl(version, def.name, row.Id) } };
  for (const f of fields ?? def.fields) out[f.name] = toWire(f, readField(f, row));
  return out;
}
