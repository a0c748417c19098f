// Recursive-descent parser for the SOQL subset: SELECT fields | COUNT() FROM object [WHERE ...]
// [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n].
import type { CmpOp, Cond, FieldPath, Literal, Query, Selection } from "./ast";
import { malformed } from "./errors";
import { type Token, tokenize } from "./lexer";

const RESERVED = new Set([
  "SELECT",
  "FROM",
  "WHERE",
  "AND",
  "OR",
  "NOT",
  "ORDER",
  "BY",
  "LIMIT",
  "OFFSET",
  "IN",
  "LIKE",
  "NULLS",
  "ASC",
  "DESC",
  "GROUP",
  "HAVING",
  "WITH",
  "FOR",
  "USING",
]);

export function parseSoql(src: string): Query {
  const tokens = tokenize(src);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const isKw = (t: Token, kw: string) => t.kind === "ident" && t.text.toUpperCase() === kw;
  const unexpected = (t: Token) => malformed(`unexpected token: ${t.kind === "eof" ? "<EOF>" : t.text}`, t.pos);
  const expectKw = (kw: string) => {
    const t = next();
    if (!isKw(t, kw)) throw unexpected(t);
  };
  const acceptKw = (kw: string) => (isKw(peek(), kw) ? (i++, true) : false);
  const expectPunct = (p: string) => {
    const t = next();
    if (t.kind !== "punct" || t.text !== p) throw unexpected(t);
  };
  const field = (): FieldPath => {
    const t = next();
    if (t.kind !== "ident" || RESERVED.has(t.text.toUpperCase())) throw unexpected(t);
    return { path: t.text, pos: t.pos };
  };

  const selection = (): Selection => {
    if (isKw(peek(), "COUNT") && tokens[i + 1]?.text === "(") {
      i += 2;
      if (peek().text === ")") {
        i++;
        return { kind: "count" };
      }
      const f = field();
      expectPunct(")");
      return { kind: "countField", field: f };
    }
    const fields = [field()];
    while (peek().text === ",") {
      i++;
      fields.push(field());
    }
    return { kind: "fields", fields };
  };

  const literal = (): Literal => {
    const t = next();
    switch (t.kind) {
      case "string":
        return { kind: "string", value: t.value as string, pos: t.pos };
      case "number":
        return { kind: "number", value: t.value as number, pos: t.pos };
      case "datetime":
        return { kind: "datetime", value: t.value as number, pos: t.pos };
      case "date":
        return { kind: "date", value: t.value as string, pos: t.pos };
      case "ident": {
        const u = t.text.toUpperCase();
        if (u === "TRUE" || u === "FALSE") return { kind: "boolean", value: u === "TRUE", pos: t.pos };
        if (u === "NULL") return { kind: "null", pos: t.pos };
      }
    }
    throw unexpected(t);
  };

  const condition = (): Cond => {
    if (acceptKw("NOT")) return { type: "not", cond: condition() };
    if (peek().text === "(" && peek().kind === "punct") {
      i++;
      const inner = orExpr();
      expectPunct(")");
      return inner;
    }
    const f = field();
    if (acceptKw("LIKE")) return { type: "like", field: f, pattern: literal() };
    const not = acceptKw("NOT");
    if (acceptKw("IN")) {
      expectPunct("(");
      const values = [literal()];
      while (peek().text === ",") {
        i++;
        values.push(literal());
      }
      expectPunct(")");
      return { type: "in", field: f, not, values };
    }
    if (not) throw unexpected(peek());
    const op = next();
    if (op.kind !== "op") throw unexpected(op);
    return { type: "cmp", field: f, op: op.text as CmpOp, value: literal() };
  };

  // SOQL forbids mixing AND and OR without parentheses; so does this parser.
  const orExpr = (): Cond => {
    let left = condition();
    let joiner: "and" | "or" | null = null;
    while (isKw(peek(), "AND") || isKw(peek(), "OR")) {
      const t = next();
      const kind = t.text.toLowerCase() as "and" | "or";
      if (joiner && joiner !== kind) throw malformed(`unexpected token: ${t.text}`, t.pos);
      joiner = kind;
      left = { type: kind, left, right: condition() };
    }
    return left;
  };

  const integer = () => {
    const t = next();
    if (t.kind !== "number" || !Number.isInteger(t.value) || (t.value as number) < 0) throw unexpected(t);
    return t.value as number;
  };

  expectKw("SELECT");
  const select = selection();
  expectKw("FROM");
  const obj = next();
  if (obj.kind !== "ident" || obj.text.includes(".")) throw unexpected(obj);
  const query: Query = { select, from: { name: obj.text, pos: obj.pos }, orderBy: [] };
  if (acceptKw("WHERE")) query.where = orExpr();
  if (acceptKw("ORDER")) {
    expectKw("BY");
    do {
      const f = field();
      const desc = acceptKw("DESC") ? true : (acceptKw("ASC"), false);
      let nullsLast = desc;
      if (acceptKw("NULLS")) {
        if (acceptKw("LAST")) nullsLast = true;
        else {
          expectKw("FIRST");
          nullsLast = false;
        }
      }
      query.orderBy.push({ field: f, desc, nullsLast });
    } while (peek().text === "," && (i++, true));
  }
  if (acceptKw("LIMIT")) query.limit = integer();
  if (acceptKw("OFFSET")) query.offset = integer();
  if (peek().kind !== "eof") throw unexpected(peek());
  return query;
}
