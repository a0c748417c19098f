import type { Db } from "../../db";
import {
  backoffMs,
  describeCached,
  type RecordTimes,
  type SalesforceClient,
  SalesforceError,
  type SaveResult,
} from "../../salesforce";
import { findEarlierCreates } from "./adopt";
import type { Journal } from "./journal";
import { writeWithLockRetry } from "./lock-retry";
import type { Planned, PushObject } from "./plan";

type Write = Extract<Planned, { kind: "write" }>;

/** The field Conversion's package installs on Lead, Contact and Account (External ID, Unique). */
export const CONVERSION_ID_FIELD = "Conversion_Id__c";

/** What became of one create. */
export interface CreateOutcome {
  result: SaveResult;
  times: RecordTimes | undefined;
  action: "created" | "updated";
  /** The record was found, not written: Salesforce may hold older values than the entity's. */
  adoptedStale?: boolean;
}

export interface CreateContext {
  db: Db;
  workspaceId: string;
  orgId: string | null;
  integrationUserId: string | null;
  journal: Journal;
  openSf: () => Promise<SalesforceClient>;
  /** Per object, what describe said about the external-id field, asked once per group. */
  upsertFields: Map<string, Promise<string | null>>;
}

/** Whether the org has Conversion's external-id field on this object, writable by the integration user (describe, cached). */
function upsertField(ctx: CreateContext, object: PushObject, refresh = false): Promise<string | null> {
  const known = ctx.upsertFields.get(object);
  if (known && !refresh) return known;
  const asked = describeCached(ctx.db, ctx.workspaceId, object, ctx.openSf, { orgId: ctx.orgId, refresh }).then(
    (described) => {
      const f = described.fields.find((x) => x.name === CONVERSION_ID_FIELD);
      return f?.externalId && f.createable && f.updateable ? f.name : null;
    },
  );
  ctx.upsertFields.set(object, asked);
  // A failed describe is not remembered: the next call asks again.
  asked.catch(() => {
    if (ctx.upsertFields.get(object) === asked) ctx.upsertFields.delete(object);
  });
  return asked;
}

/** Upserts sent again at once after a lost answer (a repeated upsert cannot make a second record). */
const UPSERT_ATTEMPTS = 3;

/**
 * Sends the creates: an upsert is sent again at once when its answer is lost (`resent` then says an
 * earlier attempt of this call may have made the records); a plain create never is — the next
 * delivery looks its records up first.
 */
async function send(
  ctx: CreateContext,
  sf: SalesforceClient,
  object: PushObject,
  field: string | null,
  payloads: Record<string, unknown>[],
) {
  for (let attempt = 1; ; attempt++) {
    try {
      const op = field ? ({ kind: "upsert", field } as const) : ({ kind: "create" } as const);
      return { answer: await writeWithLockRetry(sf, object, op, payloads), resent: attempt > 1 };
    } catch (err) {
      if (!(err instanceof SalesforceError)) throw err;
      // The field went away since describe said it was there: ask again, and send again later.
      if (field && err.status === 404) {
        await upsertField(ctx, object, true);
        throw new SalesforceError({ failureCode: "unknown_error", transient: true, message: err.message });
      }
      if (!field || !err.transient || attempt >= UPSERT_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt - 1)));
    }
  }
}

const payloadOf = (w: Write) => Object.fromEntries(w.fields.map((f) => [f.field, f.value ?? null]));
const sameWritten = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * Creates records exactly once. Where the org has Conversion's external-id field, every create is
 * an upsert on it (the entity's id), so sending one again after a lost answer updates the record it
 * made instead of making a second. Where it has not, each attempt is journaled before the call; a
 * create whose earlier answer was lost is first looked up in Salesforce and the record adopted.
 * Results come back in the order of `writes`.
 */
export async function createExactlyOnce(
  ctx: CreateContext,
  sf: SalesforceClient,
  object: PushObject,
  writes: Write[],
): Promise<CreateOutcome[]> {
  const field = await upsertField(ctx, object);
  const unanswered = await ctx.journal.unanswered(writes.map((w) => w.entity.id));
  const adopted = field
    ? new Map()
    : await findEarlierCreates(ctx.db, ctx.workspaceId, sf, object, [...unanswered.values()], ctx.integrationUserId);

  const outcomes = new Map<string, CreateOutcome>();
  for (const w of writes) {
    const found = adopted.get(w.entity.id);
    if (!found) continue;
    const written = unanswered.get(w.entity.id)?.written ?? {};
    outcomes.set(w.entity.id, {
      result: { id: found.salesforceId, success: true, errors: [] },
      times: found.times,
      action: "created",
      adoptedStale: !found.sameValues || !sameWritten(written, payloadOf(w)),
    });
  }

  const toSend = writes.filter((w) => !outcomes.has(w.entity.id));
  if (toSend.length) {
    const payloads = toSend.map((w) => ({ ...payloadOf(w), ...(field ? { [field]: w.entity.id } : {}) }));
    await ctx.journal.attempt(
      object,
      toSend.map((w, i) => ({ entityId: w.entity.id, written: payloads[i]! })),
    );
    const { answer, resent } = await send(ctx, sf, object, field, payloads);
    toSend.forEach((w, i) => {
      const result = answer.results[i]!;
      // An upsert that matched a record is still this create when an earlier attempt of it went unanswered.
      const created = !field || result.created !== false || resent || unanswered.has(w.entity.id);
      outcomes.set(w.entity.id, {
        result,
        times: result.id ? answer.times.get(result.id) : undefined,
        action: created ? "created" : "updated",
      });
    });
  }
  return writes.map((w) => outcomes.get(w.entity.id)!);
}
