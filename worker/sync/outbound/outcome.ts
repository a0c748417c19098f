import { parseSalesforceDate } from "../../lib/time";
import type { RecordTimes, SaveResult } from "../../salesforce";
import type { EntityRow } from "../entities";
import type { FieldChange, RunRecordInput } from "../runs";
import { outboundFailure } from "../status-codes";
import type { CurrentValues } from "./current";
import type { Planned } from "./plan";

type Skip = Extract<Planned, { kind: "skip" }>;
type Write = Extract<Planned, { kind: "write" }>;

/** How Sync activity names the record: "Ada Lovelace <ada@example.com>", or a company's name. */
export function labelOf(entity: EntityRow): string {
  if (typeof entity.email === "string") {
    const name = [entity.firstName, entity.lastName].filter((v) => typeof v === "string" && v).join(" ");
    return name ? `${name} <${entity.email}>` : entity.email;
  }
  return typeof entity.name === "string" ? entity.name : entity.id;
}

function base(item: Skip | Write, seq: number): Omit<RunRecordInput, "action" | "status" | "reasonCode" | "changes"> {
  return {
    key: item.change.latestOutboxId,
    seq,
    salesforceId: item.entity.salesforceId,
    salesforceObject: item.object,
    conversionId: item.entity.id,
    label: labelOf(item.entity),
    email: typeof item.entity.email === "string" ? item.entity.email : null,
    externalCreatedAt: null,
    externalUpdatedAt: null,
    outboxId: item.change.latestOutboxId,
  };
}

export function skipRecord(item: Skip, seq: number): RunRecordInput {
  return {
    ...base(item, seq),
    action: null,
    status: "skipped",
    reasonCode: item.code,
    reasonDetail: item.detail,
    changes: [],
  };
}

/** The fields pushed, old → new; "old" is Salesforce's value when this push read it, else unknown (null). */
export function changesOf(item: Write, current: CurrentValues): FieldChange[] {
  const known = item.salesforceId ? current.get(item.salesforceId) : undefined;
  return item.fields.map((f) => ({ field: f.field, from: known?.[f.field] ?? null, to: f.value ?? null }));
}

/** Salesforce's answer for one record, with the times it assigned and, for a create, what it did. */
export interface WriteAnswer {
  result: SaveResult;
  times?: RecordTimes;
  /** A create that matched an existing record (an upsert) is an update. */
  action?: "created" | "updated";
  /** An adopted create (found, not written): Salesforce may hold older values than the entity's. */
  adoptedStale?: boolean;
}

/**
 * One record's outcome from Salesforce's per-record answer. A written record carries the created
 * and updated times Salesforce assigned; a failure keeps Salesforce's own statusCode, message and
 * fields beside our reason, so the admin sees exactly what the org said.
 */
export function writeRecord(item: Write, seq: number, answer: WriteAnswer, current: CurrentValues): RunRecordInput {
  const { result } = answer;
  const record = { ...base(item, seq), changes: changesOf(item, current) };
  if (result.success) {
    const action = answer.action ?? (item.mode === "create" ? "created" : "updated");
    return {
      ...record,
      salesforceId: result.id ?? item.salesforceId,
      action,
      status: "success",
      reasonCode: null,
      externalCreatedAt: parseSalesforceDate(answer.times?.createdAt),
      externalUpdatedAt: parseSalesforceDate(answer.times?.updatedAt),
    };
  }
  const first = result.errors[0] ?? {
    statusCode: "UNKNOWN_EXCEPTION",
    message: "Salesforce gave no reason",
    fields: [],
  };
  const reason = outboundFailure(result.errors);
  const message =
    result.errors
      .map((e) => e.message)
      .filter(Boolean)
      .join("; ") || first.message;
  return {
    ...record,
    action: null,
    status: "failed",
    reasonCode: reason.code,
    reasonDetail: reason.detail,
    sfError: { statusCode: first.statusCode, message, fields: [...new Set(result.errors.flatMap((e) => e.fields))] },
  };
}
