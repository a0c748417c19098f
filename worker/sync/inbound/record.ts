import { parseSalesforceDate } from "../../lib/time";
import type { FieldChange, RecordAction } from "../runs";

/** A record as Salesforce's REST API returns it: `attributes` plus field values. */
export type SalesforceRecord = Record<string, unknown> & { attributes?: { type?: string; url?: string } };

/** What the classifier decided for one Salesforce record. */
export type Verdict =
  | { outcome: "skip"; code: string; detail?: string }
  | { outcome: "fail"; code: string; detail?: string }
  | { outcome: "write"; action: Exclude<RecordAction, "deleted">; conversionId: string; changes: FieldChange[] }
  /** `changes` says where a merged record's data went. */
  | { outcome: "delete"; conversionId: string; changes?: FieldChange[] }
  /** Already as Salesforce has it (or deleted on both sides): counted, never recorded. */
  | { outcome: "unchanged"; conversionId: string | null };

/** The parts every record has, read defensively: Salesforce data is input like any other. */
export interface RecordHead {
  id: string | null;
  stamp: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  deleted: boolean;
}

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** The record's Salesforce id, as readHead reads it (without reading its dates). */
export function readId(r: SalesforceRecord): string | null {
  return typeof r.Id === "string" && SALESFORCE_ID.test(r.Id) ? r.Id : null;
}

export function readHead(r: SalesforceRecord): RecordHead {
  return {
    id: readId(r),
    stamp: parseSalesforceDate(r.SystemModstamp),
    createdAt: parseSalesforceDate(r.CreatedDate),
    updatedAt: parseSalesforceDate(r.LastModifiedDate),
    deleted: r.IsDeleted === true,
  };
}

/**
 * Whether the read returned the field at all. Salesforce returns every field a query names, null
 * or not; a field missing from the record was left out of the query because field-level security
 * hides it from the integration user: its value is unknown, not empty, and Conversion keeps its own.
 */
export function wasRead(r: SalesforceRecord, field: string): boolean {
  return field in r;
}

/**
 * `values` without those whose Salesforce field (`from[key]`) was not read, when Conversion already
 * has the record: it keeps what it has. A new record takes the values as given (their defaults).
 */
export function onlyRead<T extends Record<string, unknown>>(
  r: SalesforceRecord,
  existing: object | null,
  values: T,
  from: Partial<Record<keyof T, string>>,
): Partial<T> {
  if (!existing) return values;
  const out: Partial<T> = {};
  for (const key of Object.keys(values) as (keyof T)[]) {
    const field = from[key];
    if (field === undefined || wasRead(r, field)) out[key] = values[key];
  }
  return out;
}

/** A string field: null when absent or blank; undefined when present with a wrong type. */
export function text(r: SalesforceRecord, field: string): string | null | undefined {
  const v = r[field];
  if (v === null || v === undefined) return null;
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return t === "" ? null : t;
}

// Pragmatic address check: what Conversion can deliver to, not the full RFC 5322 grammar.
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function normaliseEmail(value: string): string | null {
  const email = value.trim().toLowerCase();
  return email.length <= 254 && EMAIL.test(email) && !email.includes("..") ? email : null;
}

/** Field-by-field differences between what Conversion holds and what it will hold. */
export function diff(
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
  fields: readonly string[],
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const from = before ? (before[field] ?? null) : null;
    const to = after[field] ?? null;
    if (from !== to) changes.push({ field, from, to });
  }
  return changes;
}
