// Record writes shared by sObject Collections, single-record REST and the admin endpoints.
// Each write is planned first (validated against the current org) and applied afterwards, so an
// allOrNone batch can be refused as a whole without touching anything.
import { takeRecordError } from "./faults";
import { normalizeId } from "./ids";
import { binAdd } from "./recycle-bin";
import { changedRow, newRow } from "./rows";
import { type ObjectDef, objectByPrefix, type Rec } from "./schema";
import type { Org } from "./state";
import { checkValues, type SaveError, saveError } from "./validate";

export interface SaveResult {
  id?: string;
  success: boolean;
  errors: SaveError[];
  created?: boolean;
}

export interface Planned {
  result: SaveResult;
  /** Creates have no id once rolled back; updates and deletes keep theirs. */
  creates?: boolean;
  apply?: () => void;
}

export interface WriteContext {
  org: Org;
  /** One stamp per request: every row written by one call shares it, as in one Salesforce transaction. */
  stamp: number;
}

const fail = (errors: SaveError[], id?: string): Planned => ({
  result: id ? { id, success: false, errors } : { success: false, errors },
});
const emailsOf = (...sources: (Record<string, unknown> | undefined)[]) =>
  sources.flatMap((s) => (s ? [s.Email, s.Email__c, s.email, s.email__c] : []));

function noAccess(ctx: WriteContext, def: ObjectDef): SaveError | null {
  return ctx.org.faults.unreadable.get(def.name) === "INSUFFICIENT_ACCESS"
    ? saveError("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id")
    : null;
}

export function planCreate(ctx: WriteContext, def: ObjectDef, input: Record<string, unknown>): Planned {
  const { org } = ctx;
  const denied = noAccess(ctx, def);
  if (denied) return fail([denied]);
  if (Object.keys(input).some((k) => k.toLowerCase() === "id")) {
    return fail([saveError("INVALID_FIELD", "The Id field should not be specified in the sobject data.")]);
  }
  const checked = checkValues(def, input, "create", org.store);
  const injected = takeRecordError(org.faults, null, emailsOf(input));
  if (injected) return fail([injected]);
  if (checked.errors.length) return fail(checked.errors);
  const id = org.ids.next(def.keyPrefix);
  return {
    result: { id, success: true, errors: [] },
    creates: true,
    apply() {
      const values = { ...checked.values };
      if (def.name === "Conversion_Event__c") values.Name = org.autoNumber(def.name);
      const row = newRow(def, values, {
        id,
        created: ctx.stamp,
        modified: ctx.stamp,
        stamp: ctx.stamp,
        userId: org.userId,
      });
      org.store.insert(org.store.table(def.name)!, row);
    },
  };
}

/** Looks up a live or deleted row by any-case 15/18-character id. */
export function findRow(org: Org, raw: unknown): { id: string | null; def?: ObjectDef; row?: Rec } {
  const id = typeof raw === "string" ? normalizeId(raw) : null;
  if (!id) return { id: null };
  const def = objectByPrefix(id);
  return { id, def, row: def ? org.store.table(def.name)!.byId.get(id) : undefined };
}

export function planUpdate(ctx: WriteContext, rawId: unknown, input: Record<string, unknown>): Planned {
  const { org } = ctx;
  const { id, def, row } = findRow(org, rawId);
  if (!id) return fail([saveError("MALFORMED_ID", `Record ID: id value of incorrect type: ${String(rawId)}`, ["Id"])]);
  if (!def || !row) return fail([saveError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")], id);
  if (row.IsDeleted) return fail([saveError("ENTITY_IS_DELETED", "entity is deleted")], id);
  const denied = noAccess(ctx, def);
  if (denied) return fail([denied], id);
  if (def.name === "Lead" && row.IsConverted) {
    return fail([saveError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead")], id);
  }
  const checked = checkValues(def, input, "update", org.store, ["id"]);
  const injected = takeRecordError(org.faults, id, emailsOf(input, row));
  if (injected) return fail([injected], id);
  if (checked.errors.length) return fail(checked.errors, id);
  return {
    result: { id, success: true, errors: [] },
    apply() {
      const table = org.store.table(def.name)!;
      // Re-read: an earlier record of the same batch may have changed this row.
      org.store.replace(table, changedRow(table.byId.get(id)!, checked.values, ctx.stamp, org.userId));
    },
  };
}

// Deleting a parent deletes its children, as Salesforce's cascade does for these standard objects.
const CASCADE: Record<string, [string, string][]> = {
  Account: [
    ["Contact", "AccountId"],
    ["Opportunity", "AccountId"],
  ],
  Contact: [["OpportunityContactRole", "ContactId"]],
  Opportunity: [["OpportunityContactRole", "OpportunityId"]],
};

/** A delete that goes to the recycle bin; `extra` sets fields with it (a merge's MasterRecordId). */
export function softDelete(
  org: Org,
  def: ObjectDef,
  id: string,
  stamp: number,
  extra: Record<string, unknown> = {},
): void {
  const table = org.store.table(def.name)!;
  const row = table.byId.get(id);
  if (!row || row.IsDeleted) return;
  org.store.replace(table, changedRow(row, { IsDeleted: true, ...extra }, stamp, org.userId));
  binAdd(org, def.name, id, stamp);
  for (const [child, field] of CASCADE[def.name] ?? []) {
    const childDef = org.store.table(child)!.def;
    const ids = org.store
      .table(child)!
      .rows.filter((r) => r[field] === id && !r.IsDeleted)
      .map((r) => r.Id);
    for (const childId of ids) softDelete(org, childDef, childId, stamp);
  }
}

export function planDelete(ctx: WriteContext, rawId: unknown): Planned {
  const { org } = ctx;
  const { id, def, row } = findRow(org, rawId);
  if (!id) return fail([saveError("MALFORMED_ID", `malformed id ${String(rawId)}`)]);
  if (!def || !row) return fail([saveError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")], id);
  if (row.IsDeleted) return fail([saveError("ENTITY_IS_DELETED", "entity is deleted")], id);
  const denied = noAccess(ctx, def);
  if (denied) return fail([denied], id);
  const injected = takeRecordError(org.faults, id, emailsOf(row));
  if (injected) return fail([injected], id);
  return { result: { id, success: true, errors: [] }, apply: () => softDelete(org, def, id, ctx.stamp) };
}

const ROLLED_BACK = saveError(
  "ALL_OR_NONE_OPERATION_ROLLED_BACK",
  "Record rolled back because not all records were valid and the request was using AllOrNone header",
);

/** Applies planned writes in order; with allOrNone one failure refuses them all. */
export function runBatch(planned: Planned[], allOrNone: boolean): SaveResult[] {
  if (allOrNone && planned.some((p) => !p.result.success)) {
    return planned.map((p) => {
      if (!p.result.success) return p.result;
      return { ...(p.creates ? {} : { id: p.result.id }), success: false, errors: [ROLLED_BACK] };
    });
  }
  for (const p of planned) p.apply?.();
  return planned.map((p) => p.result);
}
