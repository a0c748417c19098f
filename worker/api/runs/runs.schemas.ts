import { z } from "@hono/zod-openapi";
import {
  OBJECT_TYPES,
  RECORD_ACTIONS,
  RECORD_STATUSES,
  RUN_DIRECTIONS,
  RUN_KINDS,
  RUN_STATUSES,
} from "../../db/schema/enums";
import { pageQuery } from "../common";
import { CONVERSION_ID } from "./conversion-id";

// The Run and RunRecord shapes the API returns, and the query parameters of the Sync activity routes.
// The OpenAPI document is generated from these, so a field added here is documented there.

const instant = z.string().openapi({ format: "date-time", example: "2026-11-29T10:20:30.000Z" });

/** A run's five counts: what happened to its records. */
export const countsSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  deleted: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
});

export const runSchema = z
  .object({
    id: z.string(),
    direction: z.enum(RUN_DIRECTIONS),
    objectType: z.enum(OBJECT_TYPES),
    salesforceObject: z.string(),
    kind: z.enum(RUN_KINDS),
    description: z.string().openapi({ example: "Synced contacts from Salesforce" }),
    status: z.enum(RUN_STATUSES),
    startedAt: instant,
    finishedAt: instant.nullable(),
    durationMs: z.number().int().nullable(),
    counts: countsSchema,
    failure: z
      .object({
        code: z.string(),
        message: z.string(),
        action: z.string().openapi({ description: "What to do" }),
        explanation: z.string(),
        detail: z.string().nullable().openapi({ description: "What went wrong in this run, in our words" }),
      })
      .nullable(),
    progress: z
      .object({
        done: z.number().int().openapi({ description: "Records read so far" }),
        total: z
          .number()
          .int()
          .openapi({ description: "Records the batch reads in all (Salesforce's count for its window)" }),
        etaSeconds: z.number().int().nullable().openapi({ description: "Estimated seconds left at the rate so far" }),
      })
      .nullable()
      .openapi({ description: "An in-progress inbound batch: how far it is. Null otherwise" }),
  })
  .openapi("Run");

/** `GET /sync/runs/{id}`: the Run plus how it relates to retries (lists leave this out: it is a lookup per run). */
export const runDetailSchema = runSchema
  .extend({
    retryOf: z.string().nullable().openapi({ description: "The run whose failed records this retry run retried" }),
    retriedBy: z
      .object({ id: z.string(), status: z.enum(RUN_STATUSES) })
      .nullable()
      .openapi({
        description:
          "The newest run that retried this run's failed records. While it is not failed, POST …/retry answers 409 already_retried",
      }),
  })
  .openapi("RunDetail");

export const runRecordSchema = z
  .object({
    id: z.string(),
    runId: z.string(),
    salesforceId: z.string().nullable(),
    salesforceObject: z.string(),
    conversionId: z.string().nullable(),
    label: z.string(),
    action: z.enum(RECORD_ACTIONS).nullable(),
    status: z.enum(RECORD_STATUSES),
    reason: z
      .object({
        code: z.string(),
        message: z.string(),
        explanation: z.string(),
        detail: z.string().nullable().openapi({ description: "More on this particular record, beside the message" }),
      })
      .nullable(),
    salesforceError: z.object({ statusCode: z.string(), message: z.string(), fields: z.array(z.string()) }).nullable(),
    externalCreatedAt: instant.nullable(),
    externalUpdatedAt: instant.nullable(),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
  })
  .openapi("RunRecord");

export const recordHistoryEntrySchema = runRecordSchema
  .extend({
    run: z.object({
      id: z.string(),
      direction: z.enum(RUN_DIRECTIONS),
      description: z.string(),
      startedAt: instant,
      status: z.enum(RUN_STATUSES),
    }),
  })
  .openapi("RecordHistoryEntry");

const nextCursor = z
  .string()
  .nullable()
  .openapi({ description: "Pass as `cursor` for the next page; null at the end" });

export const runListSchema = z.object({ runs: z.array(runSchema), nextCursor }).openapi("RunList");
export const recordListSchema = z.object({ records: z.array(runRecordSchema), nextCursor }).openapi("RunRecordList");
export const recordHistorySchema = z
  .object({ records: z.array(recordHistoryEntrySchema), nextCursor })
  .openapi("RecordHistory");

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** `from`/`to`: an ISO 8601 date or date-time that names a real calendar day (Date.parse rolls 02-31 over). */
function dateBound(name: string) {
  return z
    .string()
    .refine((v) => {
      const m = ISO_DATE.exec(v);
      if (!m || Number.isNaN(Date.parse(v))) return false;
      const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      return day.getUTCDate() === Number(m[3]) && day.getUTCMonth() === Number(m[2]) - 1;
    }, "must be an ISO 8601 date or date-time")
    .optional()
    .openapi({ param: { name, in: "query" }, example: "2026-11-29" });
}

export const runListQuery = z.object({
  direction: z
    .enum(RUN_DIRECTIONS)
    .optional()
    .openapi({ param: { name: "direction", in: "query" } }),
  objectType: z
    .enum(OBJECT_TYPES)
    .optional()
    .openapi({ param: { name: "objectType", in: "query" } }),
  status: z
    .enum(RUN_STATUSES)
    .optional()
    .openapi({ param: { name: "status", in: "query" } }),
  has: z
    .enum(["failed", "skipped"])
    .optional()
    .openapi({
      param: { name: "has", in: "query" },
      description:
        "`failed`: runs that failed or have failed records (the Overview chart's failures); `skipped`: runs with skipped records",
    }),
  from: dateBound("from").openapi({
    description: "Runs started at or after this instant (a date means its start, UTC)",
  }),
  to: dateBound("to").openapi({
    description: "Runs started at or before this instant (a date includes the whole day, UTC)",
  }),
  ...pageQuery,
});

const recordStatusParam = z
  .enum(RECORD_STATUSES)
  .optional()
  .openapi({ param: { name: "status", in: "query" } });

export const recordListQuery = z.object({ status: recordStatusParam, ...pageQuery });

/** The CSV takes the records list's filters; it has no paging, since it streams every matching record. */
export const recordExportQuery = z.object({ status: recordStatusParam });

export const recordHistoryQuery = z.object({
  salesforceId: z
    .string()
    .regex(/^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/, "must be a 15- or 18-character Salesforce ID")
    .optional()
    .openapi({ param: { name: "salesforceId", in: "query" }, example: "0035g00000AbCdEAAV" }),
  email: z
    .string()
    .trim()
    .min(1)
    .max(320)
    .optional()
    .openapi({ param: { name: "email", in: "query" }, example: "ada@example.com" }),
  conversionId: z
    .string()
    .regex(CONVERSION_ID, "must be a Conversion id such as ct_… or co_…")
    .optional()
    .openapi({
      param: { name: "conversionId", in: "query" },
      example: "ct_AbCdEfGhIjKlMnOp",
      description:
        "A Conversion record (contact, company, opportunity, contact role, event): its history by its email (contacts) or Salesforce id",
    }),
  ...pageQuery,
});

export const runIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "id", in: "path" } }),
});
