import { describe, expect, it } from "vitest";
import { CsvError, CsvReader, csvRows } from "./csv";

const TEXT =
  '"Id","Name","Title","Note"\n' +
  '"00Q1","O""Brien, Jr.",,"line one\nline two"\n' +
  '"00Q2","",,"a,b"\r\n' +
  '"00Q3","Plain","Boss",\n';
const ROWS = [
  ["Id", "Name", "Title", "Note"],
  ["00Q1", 'O"Brien, Jr.', null, "line one\nline two"],
  ["00Q2", "", null, "a,b"],
  ["00Q3", "Plain", "Boss", null],
];

function parseInPieces(text: string, cuts: number[]): (string | null)[][] {
  const reader = new CsvReader(",");
  const rows: (string | null)[][] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    rows.push(...reader.push(text.slice(from, cut)));
    from = cut;
  }
  rows.push(...reader.end());
  return rows;
}

describe("CSV reader", () => {
  it("reads quotes, delimiters and line breaks inside values, CRLF, and nulls apart from empty text", () => {
    expect(parseInPieces(TEXT, [])).toEqual(ROWS);
  });

  it("gives the same rows however the text is cut into chunks (every cut point, and every pair)", () => {
    for (let i = 0; i <= TEXT.length; i++) expect(parseInPieces(TEXT, [i]), `cut at ${i}`).toEqual(ROWS);
    for (let i = 0; i <= TEXT.length; i += 3)
      for (let j = i; j <= TEXT.length; j += 5) expect(parseInPieces(TEXT, [i, j])).toEqual(ROWS);
  });

  it("reads a last row without a line break, and other delimiters", () => {
    const r = new CsvReader("|");
    expect([...r.push('"a"|"b"\n"1"|'), ...r.end()]).toEqual([
      ["a", "b"],
      ["1", null],
    ]);
    const last = new CsvReader(",");
    expect([...last.push('"x","y"'), ...last.end()]).toEqual([["x", "y"]]);
  });

  it("refuses malformed CSV with words: an unclosed quote, text after a closing quote, a stray quote", () => {
    const open = new CsvReader(",");
    open.push('"a","b\n');
    expect(() => open.end()).toThrow(CsvError);
    expect(() => new CsvReader(",").push('"a"x,"b"\n')).toThrow(/after a quoted value/);
    expect(() => new CsvReader(",").push('a"b,c\n')).toThrow(/quote inside an unquoted value/);
  });

  it("streams bytes: a multi-byte character split across chunks stays whole", async () => {
    const bytes = new TextEncoder().encode('"Zoë","日本"\n');
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 2) c.enqueue(bytes.slice(i, i + 2));
        c.close();
      },
    });
    const rows: (string | null)[][] = [];
    for await (const row of csvRows(body)) rows.push(row);
    expect(rows).toEqual([["Zoë", "日本"]]);
  });
});
