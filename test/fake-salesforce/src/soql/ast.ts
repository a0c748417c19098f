// The parsed shape of a SOQL query.
export type Literal =
  | { kind: "string"; value: string; pos: number }
  | { kind: "number"; value: number; pos: number }
  | { kind: "datetime"; value: number; pos: number }
  | { kind: "date"; value: string; pos: number }
  | { kind: "boolean"; value: boolean; pos: number }
  | { kind: "null"; pos: number };

export interface FieldPath {
  path: string;
  pos: number;
}

export type CmpOp = "=" | "!=" | "<" | "<=" | ">" | ">=";

export type Cond =
  | { type: "cmp"; field: FieldPath; op: CmpOp; value: Literal }
  | { type: "in"; field: FieldPath; not: boolean; values: Literal[] }
  | { type: "like"; field: FieldPath; pattern: Literal }
  | { type: "and" | "or"; left: Cond; right: Cond }
  | { type: "not"; cond: Cond };

export interface OrderItem {
  field: FieldPath;
  desc: boolean;
  nullsLast: boolean;
}

export type Selection =
  | { kind: "fields"; fields: FieldPath[] }
  | { kind: "count" }
  | { kind: "countField"; field: FieldPath };

export interface Query {
  select: Selection;
  from: { name: string; pos: number };
  where?: Cond;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}
