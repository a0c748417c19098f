// Bulk API 2.0 query results as CSV: a header of the selected fields (parent fields as Account.Name),
// then one row per record. Every value is quoted, a quote doubled inside it; a null value is an empty,
// unquoted field, so `""` (an empty string) and a null stay apart. Datetimes are ISO UTC with Z.
import { formatDate } from "../clock";
import type { Rec } from "../schema";
import type { ResolvedField } from "../soql/fields";

export const DELIMITERS: Record<string, string> = {
  COMMA: ",",
  TAB: "\t",
  PIPE: "|",
  SEMICOLON: ";",
  CARET: "^",
  BACKQUOTE: "`",
};

export function header(columns: ResolvedField[], delimiter: string): string {
  return columns
    .map((c) => quote(c.via ? `${c.via.lookup.relationshipName}.${c.field.name}` : c.field.name))
    .join(delimiter);
}

function quote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

function cell(c: ResolvedField, row: Rec): string {
  const value = c.get(row);
  if (value === null || value === undefined) return "";
  if (c.field.type === "datetime") return quote(new Date(value as number).toISOString());
  if (c.field.type === "date" && typeof value === "number") return quote(formatDate(value));
  return quote(String(value));
}

export function line(columns: ResolvedField[], row: Rec, delimiter: string): string {
  let out = "";
  for (let i = 0; i < columns.length; i++) out += (i ? delimiter : "") + cell(columns[i]!, row);
  return out;
}
