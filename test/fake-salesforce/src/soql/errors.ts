// SOQL errors carry Salesforce's errorCode and, like Salesforce, point at the offending spot.
export class SoqlError extends Error {
  readonly errorCode: string;
  readonly pos: number;
  constructor(errorCode: string, message: string, pos = -1) {
    super(message);
    this.errorCode = errorCode;
    this.pos = pos;
  }
}

/** Salesforce's message layout: the query, a caret under the column, "ERROR at Row:1:Column:N", the reason. */
export function soqlMessage(query: string, err: SoqlError): string {
  if (err.pos < 0) return err.message;
  const before = query.slice(0, err.pos);
  const row = before.split("\n").length;
  const line = query.split("\n")[row - 1] ?? "";
  const col = err.pos - before.lastIndexOf("\n");
  return `\n${line}\n${" ".repeat(Math.max(0, col - 1))}^\nERROR at Row:${row}:Column:${col}\n${err.message}`;
}

export const malformed = (message: string, pos: number) => new SoqlError("MALFORMED_QUERY", message, pos);
