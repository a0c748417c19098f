/**
 * Reads CSV (RFC 4180, as Bulk API 2.0 writes it) as it arrives: quoted values may hold the delimiter,
 * line breaks and doubled quotes, and may span chunks. A quoted empty value is "" and an empty unquoted
 * one is null, so a null and an empty text stay apart. Rows come out as soon as they are complete.
 */
export class CsvReader {
  private buf = "";
  private pos = 0;
  private row: (string | null)[] = [];
  /** The last thing read was a delimiter: a value (maybe empty) follows it. */
  private afterDelimiter = false;

  constructor(private readonly delimiter = ",") {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r")
      throw new Error(`not a CSV delimiter: ${JSON.stringify(delimiter)}`);
  }

  /** Adds text; returns the rows it completes. */
  push(text: string): (string | null)[][] {
    this.buf = this.pos ? this.buf.slice(this.pos) + text : this.buf + text;
    this.pos = 0;
    return this.parse(false);
  }

  /** The input ended: the rows still held (a last row without a line break), or a malformed tail. */
  end(): (string | null)[][] {
    const rows = this.parse(true);
    if (this.pos < this.buf.length) throw new CsvError("the CSV ends inside a quoted value");
    // A delimiter just before the end is followed by an empty value.
    if (this.afterDelimiter) this.row.push(null);
    if (this.row.length) {
      rows.push(this.row);
      this.row = [];
    }
    return rows;
  }

  private parse(final: boolean): (string | null)[][] {
    const rows: (string | null)[][] = [];
    const buf = this.buf;
    const d = this.delimiter;
    let pos = this.pos;
    while (pos < buf.length) {
      let value: string | null;
      let next: number;
      if (buf.charCodeAt(pos) === 34 /* " */) {
        let out = "";
        let from = pos + 1;
        let close = -1;
        for (;;) {
          const q = buf.indexOf('"', from);
          if (q < 0) break;
          if (q + 1 < buf.length && buf.charCodeAt(q + 1) === 34) {
            out += buf.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          // A quote at the very end may be the first of a doubled pair: wait for more, unless there is none.
          if (q + 1 >= buf.length && !final) break;
          out += buf.slice(from, q);
          close = q;
          break;
        }
        if (close < 0) break;
        value = out;
        next = close + 1;
        const c = buf[next];
        if (next < buf.length && c !== d && c !== "\n" && c !== "\r")
          throw new CsvError(`unexpected ${JSON.stringify(c)} after a quoted value`);
      } else {
        let end = pos;
        while (end < buf.length) {
          const c = buf[end];
          if (c === d || c === "\n" || c === "\r") break;
          if (c === '"') throw new CsvError("a quote inside an unquoted value");
          end++;
        }
        if (end >= buf.length && !final) break;
        value = end === pos ? null : buf.slice(pos, end);
        next = end;
      }
      // What follows the value: a delimiter (same row), a line break (row ends), or the end.
      if (next < buf.length && buf[next] === d) {
        this.row.push(value);
        this.afterDelimiter = true;
        pos = next + 1;
        continue;
      }
      if (next < buf.length && buf[next] === "\r") {
        if (next + 1 >= buf.length && !final) break;
        if (buf[next + 1] === "\n") next++;
      }
      if (next >= buf.length && !final) break;
      this.row.push(value);
      this.afterDelimiter = false;
      rows.push(this.row);
      this.row = [];
      pos = next + 1;
    }
    this.pos = pos;
    return rows;
  }
}

export class CsvError extends Error {
  constructor(message: string) {
    super(`Bulk API results are not valid CSV: ${message}`);
    this.name = "CsvError";
  }
}

/** The rows of a CSV byte stream, decoded as UTF-8 and parsed chunk by chunk. */
export async function* csvRows(
  body: ReadableStream<Uint8Array>,
  delimiter = ",",
): AsyncGenerator<(string | null)[], void, undefined> {
  const reader = new CsvReader(delimiter);
  const decoder = new TextDecoder("utf-8");
  const chunks = body.getReader();
  try {
    for (;;) {
      const { done, value } = await chunks.read();
      if (done) break;
      yield* reader.push(decoder.decode(value, { stream: true }));
    }
    yield* reader.push(decoder.decode());
    yield* reader.end();
  } finally {
    chunks.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}
