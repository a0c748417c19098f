// Faults tests switch on through POST /__fake/faults. Counters (http500, http503, times) count down
// per call; the one-shot actions (expire tokens, revoke refresh tokens, expire locators) act at once.
import { type BulkFaults, createBulkFaults } from "./bulk/jobs";
import { normalizeId } from "./ids";
import { type LatencyModel, parseLatencyModel } from "./latency";
import { objectByName } from "./schema";
import { type LostAnswers, mergeWriteFaults, type RejectWrites } from "./write-faults";

export type Unreadable = "INSUFFICIENT_ACCESS" | "INVALID_TYPE";

export interface RecordErrorRule {
  id?: string;
  email?: string;
  statusCode: string;
  message?: string;
  fields?: string[];
  /** Remaining failing attempts; undefined fails forever. */
  times?: number;
}

export interface PagingMutation {
  object: string;
  everyNPages: number;
  count: number;
  /** Rows soft-deleted at the same moments (a user deleting records while the sync pages). */
  deletes: number;
  pagesServed: number;
  /** Commits that land late: the changed rows carry a SystemModstamp this many seconds in the past. */
  lateBySeconds: number;
}

/** Queries whose SystemModstamp range holds more rows than this, without a selective Id filter, time out. */
export interface QueryTimeout {
  maxRows: number;
  /** Only this object's queries; every object when absent. */
  object?: string;
}

/**
 * Query pages of one object that answer late: a slow page in the middle of a read, whatever else the
 * reader asks Salesforce before or meanwhile (describes, counts, other objects).
 */
export interface SlowPages {
  object: string;
  latencyMs: number;
  /** Only pages fetched through a query locator (nextRecordsUrl), not a query's first page. */
  morePagesOnly: boolean;
  /** Pages still to slow down; the rule goes away after the last. */
  times: number;
}

/** Wire-level damage to one record in query answers, as a broken integration or trigger might leave it. */
export interface CorruptRecord {
  id: string;
  set: Record<string, unknown>;
}

/** Faults held back until n more data API calls have been admitted, then applied as one POST would. */
export interface ArmedFaults {
  remaining: number;
  body: Record<string, unknown>;
}

/** A refusal Salesforce gives while connecting: on the redirect back from /authorize, or from /token. */
export interface OAuthRefusal {
  step: "authorize" | "token";
  error: string;
  description: string;
}

export interface Faults {
  oauthRefusal: OAuthRefusal | null;
  corruptRecords: CorruptRecord[];
  armed: ArmedFaults[];
  latencyMs: number;
  /** How long answers take by what they carry (latency.ts); null: no added time but latencyMs. */
  latencyModel: LatencyModel | null;
  bulk: BulkFaults;
  http500: number;
  http503: number;
  limitReached: boolean;
  unreadable: Map<string, Unreadable>;
  recordErrors: RecordErrorRule[];
  mutateDuringPaging: PagingMutation | null;
  /** Field-level security: fields the integration user cannot read, per object. */
  hiddenFields: Map<string, Set<string>>;
  queryTimeout: QueryTimeout | null;
  slowPages: SlowPages[];
  loseAnswers: LostAnswers | null;
  rejectWrites: RejectWrites | null;
}

export interface OneShots {
  expireAccessTokens: boolean;
  revokeRefreshTokens: boolean;
  expireLocators: boolean;
  /** Let this many seconds of the org's time pass. */
  advanceClockSeconds: number;
  /** Users edit `count` and delete `deletes` random rows of the object, now. */
  mutateNow: { object: string; count: number; deletes: number } | null;
}

export const createFaults = (): Faults => ({
  oauthRefusal: null,
  corruptRecords: [],
  armed: [],
  latencyMs: 0,
  latencyModel: null,
  bulk: createBulkFaults(),
  http500: 0,
  http503: 0,
  limitReached: false,
  unreadable: new Map(),
  recordErrors: [],
  mutateDuringPaging: null,
  hiddenFields: new Map(),
  queryTimeout: null,
  slowPages: [],
  loseAnswers: null,
  rejectWrites: null,
});

/** At most several minutes late, as a long transaction (a bulk load, batch Apex) would be. */
export const MAX_LATE_SECONDS = 3600;

const canonical = (name: string) => objectByName(name)?.name ?? name;

/** Merges a POST /__fake/faults body into the current faults; returns the one-shot actions it asked for. */
export function mergeFaults(f: Faults, body: Record<string, any>): OneShots {
  if (typeof body.afterCalls === "number" && body.then && typeof body.then === "object") {
    // An array is applied in its order when the call comes (e.g. delete, let an hour pass, edit).
    for (const then of Array.isArray(body.then) ? body.then : [body.then])
      if (then && typeof then === "object") f.armed.push({ remaining: Math.max(0, body.afterCalls) + 1, body: then });
  }
  if (Array.isArray(body.corruptRecords)) {
    for (const c of body.corruptRecords) {
      if (c && typeof c.id === "string" && c.set && typeof c.set === "object")
        f.corruptRecords.push({ id: normalizeId(c.id) ?? c.id, set: c.set });
    }
  }
  const r = body.oauthRefusal;
  if (r === null) f.oauthRefusal = null;
  else if (r && typeof r === "object" && typeof r.error === "string") {
    f.oauthRefusal = {
      step: r.step === "token" ? "token" : "authorize",
      error: r.error,
      description: typeof r.description === "string" ? r.description : "",
    };
  }
  if (typeof body.latencyMs === "number") f.latencyMs = Math.max(0, body.latencyMs);
  if ("latencyModel" in body) f.latencyModel = parseLatencyModel(body.latencyModel, f.latencyModel);
  if (body.bulk === null) f.bulk = createBulkFaults();
  else if (body.bulk && typeof body.bulk === "object") mergeBulkFaults(f.bulk, body.bulk);
  if (typeof body.http500 === "number") f.http500 = Math.max(0, body.http500);
  if (typeof body.http503 === "number") f.http503 = Math.max(0, body.http503);
  if (typeof body.limitReached === "boolean") f.limitReached = body.limitReached;
  const u = body.unreadable;
  if (u && typeof u === "object") {
    // Either {object: "Lead", errorCode: "..."} or a map {Lead: "INVALID_TYPE"}.
    const entries: [string, unknown][] =
      typeof u.object === "string" ? [[u.object, u.errorCode ?? "INSUFFICIENT_ACCESS"]] : Object.entries(u);
    for (const [name, code] of entries) {
      if (code === null || code === false) f.unreadable.delete(canonical(name));
      else f.unreadable.set(canonical(name), code === "INVALID_TYPE" ? "INVALID_TYPE" : "INSUFFICIENT_ACCESS");
    }
  }
  if (Array.isArray(body.recordErrors)) {
    for (const r of body.recordErrors) {
      f.recordErrors.push({
        id: r.id ? (normalizeId(r.id) ?? r.id) : undefined,
        email: r.email?.toLowerCase(),
        statusCode: r.statusCode ?? "UNKNOWN_EXCEPTION",
        message: r.message,
        fields: r.fields,
        times: typeof r.times === "number" ? r.times : undefined,
      });
    }
  }
  const m = body.mutateDuringPaging;
  if (m === null) f.mutateDuringPaging = null;
  else if (m && typeof m === "object") {
    f.mutateDuringPaging = {
      object: canonical(m.object ?? "Lead"),
      everyNPages: Math.max(1, m.everyNPages ?? 1),
      count: Math.max(0, m.count ?? 1),
      deletes: Math.max(0, m.deletes ?? 0),
      pagesServed: 0,
      lateBySeconds: Math.min(MAX_LATE_SECONDS, Math.max(0, Number(m.lateBySeconds) || 0)),
    };
  }
  const h = body.hiddenFields;
  if (h === null) f.hiddenFields = new Map();
  else if (h && typeof h === "object") {
    // {Lead: ["Title", "Phone"]} hides those fields; {Lead: null} or [] shows the object's fields again.
    for (const [name, fields] of Object.entries(h)) {
      const def = objectByName(name);
      if (!def) continue;
      const names = Array.isArray(fields)
        ? fields.map((x) => def.byName.get(String(x).toLowerCase())?.name).filter((x): x is string => !!x)
        : [];
      if (names.length) f.hiddenFields.set(def.name, new Set(names));
      else f.hiddenFields.delete(def.name);
    }
  }
  const t = body.queryTimeout;
  if (t === null) f.queryTimeout = null;
  else if (t && typeof t === "object" && typeof t.maxRows === "number") {
    f.queryTimeout = { maxRows: Math.max(0, t.maxRows), ...(t.object ? { object: canonical(t.object) } : {}) };
  }
  const sp = body.slowPages;
  if (sp === null) f.slowPages = [];
  else if (sp && typeof sp === "object") {
    for (const rule of Array.isArray(sp) ? sp : [sp]) {
      if (!rule || typeof rule.object !== "string" || typeof rule.latencyMs !== "number") continue;
      f.slowPages.push({
        object: canonical(rule.object),
        latencyMs: Math.max(0, rule.latencyMs),
        morePagesOnly: !!rule.morePagesOnly,
        times: typeof rule.times === "number" ? Math.max(1, Math.floor(rule.times)) : 1,
      });
    }
  }
  mergeWriteFaults(f, body);
  return {
    expireAccessTokens: !!body.expireAccessTokens,
    revokeRefreshTokens: !!body.revokeRefreshTokens,
    expireLocators: !!body.expireLocators,
    advanceClockSeconds: typeof body.advanceClockSeconds === "number" ? Math.max(0, body.advanceClockSeconds) : 0,
    mutateNow:
      body.mutateNow && typeof body.mutateNow === "object"
        ? {
            object: canonical(body.mutateNow.object ?? "Lead"),
            count: Math.max(0, body.mutateNow.count ?? 0),
            deletes: Math.max(0, body.mutateNow.deletes ?? 0),
          }
        : null,
  };
}

function mergeBulkFaults(b: BulkFaults, body: Record<string, any>) {
  if (Array.isArray(body.unsupported))
    b.unsupported = new Set(body.unsupported.map((o: unknown) => canonical(String(o))));
  if (typeof body.disabled === "boolean") b.disabled = body.disabled;
  const count = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? Math.max(0, Math.floor(v)) : null);
  b.pollsUntilComplete = count(body.pollsUntilComplete) ?? b.pollsUntilComplete;
  b.failJobs = count(body.failJobs) ?? b.failJobs;
  if (typeof body.failMessage === "string") b.failMessage = body.failMessage;
  b.abortJobs = count(body.abortJobs) ?? b.abortJobs;
  const max = count(body.defaultMaxRecords);
  if (max) b.defaultMaxRecords = max;
  b.cutResultsAfter = count(body.cutResultsAfter) ?? b.cutResultsAfter;
}

/** Counts one admitted call against armed faults; returns the bodies now due, in arming order. */
export function dueFaults(f: Faults): Record<string, unknown>[] {
  const due: Record<string, unknown>[] = [];
  f.armed = f.armed.filter((a) => {
    if (--a.remaining > 0) return true;
    due.push(a.body);
    return false;
  });
  return due;
}

/** How much later a query page of `object` answers (slowPages); uses up one page of the rule that matched. */
export function slowPageMs(f: Faults, object: string, viaLocator: boolean): number {
  const i = f.slowPages.findIndex((r) => r.object === object && (viaLocator || !r.morePagesOnly));
  if (i < 0) return 0;
  const rule = f.slowPages[i]!;
  if (--rule.times <= 0) f.slowPages.splice(i, 1);
  return rule.latencyMs;
}

/** Applies corruptRecords to one projected query row. */
export function corrupt(f: Faults, row: Record<string, unknown>, id: string): Record<string, unknown> {
  if (!f.corruptRecords.length) return row;
  for (const c of f.corruptRecords) if (c.id === id) Object.assign(row, c.set);
  return row;
}

export function faultsJson(f: Faults): Record<string, unknown> {
  return {
    ...f,
    unreadable: Object.fromEntries(f.unreadable),
    bulk: { ...f.bulk, unsupported: [...f.bulk.unsupported] },
    hiddenFields: Object.fromEntries([...f.hiddenFields].map(([o, names]) => [o, [...names]])),
  };
}

const DEFAULT_MESSAGES: Record<string, string> = {
  REQUIRED_FIELD_MISSING: "Required fields are missing: [LastName]",
  INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: "Lead Source: bad value for restricted picklist field: Unknown",
  STRING_TOO_LONG: "Last Name: data value too large: (value truncated) (max length=80)",
  FIELD_CUSTOM_VALIDATION_EXCEPTION: "Record doesn't meet the validation rule of this org",
  INVALID_CROSS_REFERENCE_KEY: "invalid cross reference id",
  DUPLICATES_DETECTED: "Use one of these records?",
  INSUFFICIENT_ACCESS_OR_READONLY: "insufficient access rights on object id",
  ENTITY_IS_DELETED: "entity is deleted",
};

/** The injected error for a write to this record, if a rule matches; each match uses up one attempt. */
export function takeRecordError(
  f: Faults,
  id: string | null,
  emails: unknown[],
): { statusCode: string; message: string; fields: string[] } | null {
  const lower = emails.filter((e): e is string => typeof e === "string").map((e) => e.toLowerCase());
  const i = f.recordErrors.findIndex((r) => (r.id && r.id === id) || (r.email && lower.includes(r.email)));
  if (i < 0) return null;
  const rule = f.recordErrors[i];
  if (rule.times !== undefined && --rule.times <= 0) f.recordErrors.splice(i, 1);
  const message =
    rule.message ??
    (rule.statusCode === "UNABLE_TO_LOCK_ROW"
      ? `unable to obtain exclusive access to this record or 1 records: ${id ?? ""}`
      : (DEFAULT_MESSAGES[rule.statusCode] ??
        "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)"));
  return { statusCode: rule.statusCode, message, fields: rule.fields ?? [] };
}
