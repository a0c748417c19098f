// Upsert by external id: match on an External ID field (or Id), update one match, create on none.
import { ApiError } from "./http";
import type { FieldDef, ObjectDef } from "./schema";
import type { Org } from "./state";
import { saveError } from "./validate";
import { findRow, type Planned, planCreate, planUpdate, type WriteContext } from "./writes";

/**
 * The external id field named in the URL, or the 400/404 Salesforce gives for anything else; a field
 * the org lacks, or hides from the integration user, does not exist as far as the call can tell.
 */
export function externalIdField(def: ObjectDef, name: string, org: Org): FieldDef {
  const f = def.byName.get(name.toLowerCase());
  if (!f || org.store.hiddenField(def.name, f.name))
    throw new ApiError(404, "NOT_FOUND", `Provided external ID field does not exist or is not accessible: ${name}`);
  if (!f.externalId && f.name !== "Id") {
    throw new ApiError(
      400,
      "INVALID_FIELD",
      `Field name provided, ${f.name} is not an External ID or indexed field for ${def.name}`,
    );
  }
  return f;
}

export type UpsertIndex = Map<string, string[]>;

/** Live rows by lower-cased external id value, built once per request. */
export function buildUpsertIndex(org: Org, def: ObjectDef, f: FieldDef): UpsertIndex {
  const index: UpsertIndex = new Map();
  if (f.name === "Id") return index;
  for (const r of org.store.table(def.name)!.rows) {
    const v = r[f.name];
    if (r.IsDeleted || typeof v !== "string") continue;
    const key = v.toLowerCase();
    const list = index.get(key);
    if (list) list.push(r.Id);
    else index.set(key, [r.Id]);
  }
  return index;
}

export function planUpsert(
  ctx: WriteContext,
  def: ObjectDef,
  f: FieldDef,
  input: Record<string, unknown>,
  index: UpsertIndex,
  batch: Set<string>,
): Planned {
  const key = Object.keys(input).find((k) => k.toLowerCase() === f.name.toLowerCase());
  const value = key ? input[key] : undefined;
  if (value === undefined || value === null || value === "") {
    return { result: { success: false, errors: [saveError("MISSING_ARGUMENT", `${f.name} not specified`)] } };
  }
  if (f.name === "Id") {
    const { row } = findRow(ctx.org, value);
    if (!row || row.IsDeleted)
      return {
        result: {
          success: false,
          errors: [
            saveError("NOT_FOUND", `Provided external ID field does not exist or is not accessible: ${String(value)}`),
          ],
        },
      };
    const { [key!]: _omit, ...rest } = input;
    return withCreated(planUpdate(ctx, row.Id, rest), false);
  }
  const lower = String(value).toLowerCase();
  if (batch.has(lower)) {
    return {
      result: {
        success: false,
        errors: [saveError("DUPLICATE_EXTERNAL_ID", `Duplicate external id specified: ${String(value)}`, [f.name])],
      },
    };
  }
  batch.add(lower);
  const matches = index.get(lower) ?? [];
  if (matches.length > 1) {
    return {
      result: {
        success: false,
        errors: [
          saveError(
            "DUPLICATE_EXTERNAL_ID",
            `${f.label}: more than one record found for external id field: [${matches.join(", ")}]`,
            [f.name],
          ),
        ],
      },
    };
  }
  if (matches.length === 1) return withCreated(planUpdate(ctx, matches[0], input), false);
  return withCreated(planCreate(ctx, def, input), true);
}

function withCreated(p: Planned, created: boolean): Planned {
  return { ...p, result: p.result.success ? { ...p.result, created } : p.result };
}
