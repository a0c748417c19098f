import type { Db } from "../../db";
import type { RecordStatus } from "../../db/schema/enums";
import type { RunDirection } from "../../sync/runs";
import { type RecordKey, readRunRecords } from "../../sync/runs/read";
import { type ApiRecord, toApiRecord } from "./view";

export const CSV_COLUMNS = [
  "id",
  "salesforceId",
  "salesforceObject",
  "conversionId",
  "label",
  "action",
  "status",
  "reasonCode",
  "reasonMessage",
  "explanation",
  "salesforceStatusCode",
  "salesforceMessage",
  "externalCreatedAt",
  "externalUpdatedAt",
  "changes",
] as const;

/** Records per D1 read while streaming: a 50,000-record run is 50 reads and never one array in memory. */
export const CSV_CHUNK = 1000;

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 field. Text a spreadsheet would run as a formula (= + - @, or a leading tab/CR)
 * gets a leading single quote first, because Salesforce labels and error texts are not ours to trust.
 */
export function csvCell(value: string | null | undefined): string {
  let text = value ?? "";
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly (string | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

// Readable in a spreadsheet rather than JSON: "Title: CTO → CEO; Phone: (empty) → 555 0100".
function changesText(changes: ApiRecord["changes"]): string {
  const show = (v: unknown) =>
    v === null || v === undefined || v === "" ? "(empty)" : typeof v === "string" ? v : JSON.stringify(v);
  return changes.map((c) => `${c.field}: ${show(c.from)} → ${show(c.to)}`).join("; ");
}

export function recordCsvLine(r: ApiRecord): string {
  return csvLine([
    r.id,
    r.salesforceId,
    r.salesforceObject,
    r.conversionId,
    r.label,
    r.action,
    r.status,
    r.reason?.code,
    r.reason?.message,
    r.reason?.explanation,
    r.salesforceError?.statusCode,
    r.salesforceError?.message,
    r.externalCreatedAt,
    r.externalUpdatedAt,
    changesText(r.changes),
  ]);
}

/**
 * The run's records as CSV bytes, read from D1 one keyset chunk per pull, so the client's pace sets ours.
 * `status` filters as the records list does, through the same query (and index).
 */
export function recordsCsvStream(
  db: Db,
  workspaceId: string,
  run: { id: string; direction: RunDirection; salesforceObject: string },
  status?: RecordStatus,
) {
  const encoder = new TextEncoder();
  let cursor: RecordKey | null = null;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(CSV_COLUMNS)));
    },
    async pull(controller) {
      const rows = await readRunRecords(db, workspaceId, run, status, cursor, CSV_CHUNK);
      if (rows.length) {
        controller.enqueue(encoder.encode(rows.map((row) => recordCsvLine(toApiRecord(row, run.direction))).join("")));
        const last = rows[rows.length - 1]!;
        cursor = [last.seq, last.tie];
      }
      if (rows.length < CSV_CHUNK) controller.close();
    },
  });
}
