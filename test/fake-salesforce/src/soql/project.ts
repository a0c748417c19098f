// Query rows on the wire: selected columns in canonical case, parent lookups nested under the
// relationship name (Account: {attributes, Name}) or null when the parent is absent.
import { recordUrl, toWire } from "../format";
import type { Rec } from "../schema";
import type { QueryResult } from "./execute";

export function projectRow(result: QueryResult, row: Rec, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: { type: result.def.name, url: recordUrl(version, result.def.name, row.Id) },
  };
  for (const col of result.columns ?? []) {
    if (!col.via) {
      out[col.field.name] = toWire(col.field, col.get(row));
      continue;
    }
    const rel = col.via.lookup.relationshipName!;
    const parent = col.parentOf!(row);
    if (!parent) {
      out[rel] = null;
      continue;
    }
    let nested = out[rel] as Record<string, unknown> | undefined;
    if (!nested) {
      nested = { attributes: { type: col.via.parent.name, url: recordUrl(version, col.via.parent.name, parent.Id) } };
      out[rel] = nested;
    }
    nested[col.field.name] = toWire(col.field, col.get(row));
  }
  return out;
}
