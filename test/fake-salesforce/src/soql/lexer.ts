// Tokens of the SOQL subset. Datetime and date literals are unquoted in SOQL, so the lexer
// recognises them before plain numbers.
import { isValidDate, parseDateTime } from "../clock";
import { malformed } from "./errors";

export type TokenKind = "ident" | "string" | "number" | "datetime" | "date" | "op" | "punct" | "eof";

export interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
  value?: string | number;
}

const DATETIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})/y;
const DATE = /\d{4}-\d{2}-\d{2}(?![\dT:])/y;
const NUMBER = /-?\d+(?:\.\d+)?(?![\w-])/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", "'": "'", '"': '"', "\\": "\\" };

function match(re: RegExp, src: string, pos: number): string | null {
  re.lastIndex = pos;
  const m = re.exec(src);
  return m ? m[0] : null;
}

function readString(src: string, start: number): Token {
  let out = "";
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === "'") return { kind: "string", text: src.slice(start, i + 1), pos: start, value: out };
    if (c === "\\") {
      const e = src[i + 1];
      if (e in ESCAPES) out += ESCAPES[e];
      // \_ and \% stay escaped: they only mean something to LIKE, which reads them itself.
      else if (e === "_" || e === "%") out += "\\" + e;
      else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
        i += 4;
      } else
        throw malformed(
          `Invalid string literal '${src.slice(start, i + 2)}'. Illegal character sequence '\\${e ?? ""}' in string literal.`,
          i,
        );
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  throw malformed(`Unterminated string literal`, start);
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      const t = readString(src, i);
      tokens.push(t);
      i += t.text.length;
      continue;
    }
    let m = match(DATETIME, src, i);
    if (m) {
      const v = parseDateTime(m);
      if (v === null) throw malformed(`line 1:${i} no viable alternative at character '${c}'`, i);
      tokens.push({ kind: "datetime", text: m, pos: i, value: v });
      i += m.length;
      continue;
    }
    if ((m = match(DATE, src, i))) {
      if (!isValidDate(m)) throw malformed(`line 1:${i} no viable alternative at character '${c}'`, i);
      tokens.push({ kind: "date", text: m, pos: i, value: m });
      i += m.length;
      continue;
    }
    if ((m = match(NUMBER, src, i))) {
      tokens.push({ kind: "number", text: m, pos: i, value: Number(m) });
      i += m.length;
      continue;
    }
    if ((m = match(IDENT, src, i))) {
      tokens.push({ kind: "ident", text: m, pos: i });
      i += m.length;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === "!=" || two === "<>" || two === "<=" || two === ">=") {
      tokens.push({ kind: "op", text: two === "<>" ? "!=" : two, pos: i });
      i += 2;
      continue;
    }
    if (c === "=" || c === "<" || c === ">") {
      tokens.push({ kind: "op", text: c, pos: i });
      i++;
      continue;
    }
    if (c === "(" || c === ")" || c === ",") {
      tokens.push({ kind: "punct", text: c, pos: i });
      i++;
      continue;
    }
    throw malformed(`line 1:${i} no viable alternative at character '${c}'`, i);
  }
  tokens.push({ kind: "eof", text: "<EOF>", pos: src.length });
  return tokens;
}
