import { timeOrderedId } from "../../../db/schema/time-ordered";
import { newId } from "../../../lib/crypto";
import { isoNow } from "../../../lib/time";
import type { EntityRow, EntitySet } from "../../entities";
import { diff, type RecordHead, type Verdict } from "../record";
import { type PageContext, writeModeAllows } from "./context";

/** A Salesforce delete: remove the linked entity, or nothing to do when Conversion never had it. */
export function settleDelete(set: EntitySet, linked: EntityRow | null): Verdict {
  if (!linked) return { outcome: "unchanged", conversionId: null };
  set.remove(linked);
  return { outcome: "delete", conversionId: linked.id };
}

/** Write mode and staleness checks shared by every object: null when the record may be written. */
export function gate(
  ctx: PageContext,
  existing: EntityRow | null,
  head: RecordHead & { id: string; stamp: string },
): Verdict | null {
  if (!writeModeAllows(ctx.writeMode, existing !== null)) return { outcome: "skip", code: "write_mode_mismatch" };
  // Older than the version last applied from, or pushed to, this Salesforce record: applying it
  // would move Conversion back. The same stamp is not skipped: SystemModstamp has whole seconds, so
  // a second version (a trigger's follow-up, another save) can share it; the fields decide, and an
  // edit still on its way to Salesforce is kept by withoutPendingEdits whatever the version.
  if (
    existing &&
    existing.salesforceId === head.id &&
    typeof existing.sfModstamp === "string" &&
    existing.sfModstamp > head.stamp
  )
    return { outcome: "skip", code: "outdated_record" };
  return null;
}

/** The next version of an entity: the existing row (or a new one) with Salesforce's values over it. */
export function nextRow(
  ctx: PageContext,
  existing: EntityRow | null,
  idPrefix: string,
  head: RecordHead & { id: string; stamp: string },
  values: Record<string, unknown>,
): EntityRow {
  const createdAt = isoNow();
  // Contacts' ids are time-ordered (db/schema/time-ordered.ts): their list needs no index entry.
  const id = idPrefix === "ct" ? timeOrderedId(createdAt) : newId(idPrefix);
  const base = existing ?? { id, workspaceId: ctx.workspaceId, createdAt };
  return {
    ...base,
    ...values,
    salesforceId: head.id,
    sfModstamp: head.stamp,
    externalCreatedAt: head.createdAt,
    externalUpdatedAt: head.updatedAt,
  } as EntityRow;
}

/**
 * Creates, updates, or counts as unchanged: unchanged records leave no run record (no echo of a
 * push coming back), but their Salesforce stamp is refreshed so staleness checks stay right.
 */
export function settle(
  set: EntitySet,
  existing: EntityRow | null,
  next: EntityRow,
  fields: readonly string[],
): Verdict {
  const changes = diff(existing, next, fields);
  const relinked = existing !== null && existing.salesforceId !== next.salesforceId;
  if (existing && !changes.length && !relinked) {
    if (existing.sfModstamp !== next.sfModstamp) set.put(next, existing);
    return { outcome: "unchanged", conversionId: existing.id };
  }
  set.put(next, existing);
  return { outcome: "write", action: existing ? "updated" : "created", conversionId: next.id, changes };
}
