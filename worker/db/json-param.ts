// D1 caps a bound value at about 2 MB; each JSON parameter a set-based statement reads with
// json_each() stays well below it.
export const MAX_PARAM_BYTES = 900_000;

/**
 * Serialises rows into JSON arrays of at most ~900 KB each: one set-based statement per array,
 * so a page of 2,000 rows is usually one statement and never one that D1 refuses.
 */
export function jsonChunks<T>(rows: readonly T[], encode: (row: T) => unknown = (row) => row): string[] {
  return jsonTextChunks(rows.map((row) => JSON.stringify(encode(row))));
}

/** jsonChunks of rows already serialised, one JSON text each. */
export function jsonTextChunks(texts: readonly string[]): string[] {
  const chunks: string[] = [];
  let part: string[] = [];
  let size = 2;
  for (const text of texts) {
    if (part.length && size + text.length + 1 > MAX_PARAM_BYTES) {
      chunks.push(`[${part.join(",")}]`);
      part = [];
      size = 2;
    }
    part.push(text);
    size += text.length + 1;
  }
  if (part.length) chunks.push(`[${part.join(",")}]`);
  return chunks;
}

/**
 * jsonChunks of values serialised as they are (none undefined): the whole array in one
 * JSON.stringify when it fits one chunk, which is the very text jsonTextChunks would join, instead
 * of a text per value kept alive until the join (a page's 2,000 new rows: garbage the consumer
 * collected). Only past one chunk is each value serialised on its own, as jsonChunks does.
 */
export function jsonValueChunks(values: readonly unknown[]): string[] {
  if (!values.length) return [];
  const whole = JSON.stringify(values);
  return whole.length < MAX_PARAM_BYTES ? [whole] : jsonChunks(values);
}
