import type { Settings } from "../../settings";
import { fieldAccess, requiredFields, wantedFields } from "../../sync/inbound/fields";
import { cycleOrder, objectSpec } from "../../sync/objects";

/** Something the admin should know about although syncing goes on (or waits on its own). */
export interface Warning {
  code: "field_not_readable" | "sync_paused";
  message: string;
  object?: string;
  field?: string;
}

interface CachedDescribe {
  salesforceObject: string;
  orgId: string | null;
  json: string;
}

/**
 * The health card's warnings: each mapped field the integration user cannot read (from the describe
 * the last sync used, of the connected org), and a pause for the API limit (apiUsage.asOf says when
 * the org's usage was last read).
 */
export function healthWarnings(input: {
  settings: Settings;
  describes: CachedDescribe[];
  orgId: string | null;
  paused: { reason: string | null } | null;
}): Warning[] {
  const warnings: Warning[] = [];
  if (input.paused) {
    warnings.push({
      code: "sync_paused",
      message: `Syncing is paused: ${input.paused.reason ?? "the Salesforce API limit is near"}. It resumes on its own as soon as the org's API usage leaves the margin again; each scheduled run checks.`,
    });
  }
  const byObject = new Map(input.describes.filter((d) => d.orgId === input.orgId).map((d) => [d.salesforceObject, d]));
  for (const object of cycleOrder(input.settings.eventObject)) {
    const spec = objectSpec(object, input.settings.eventObject);
    const cached = byObject.get(object);
    if (!spec || !cached || !input.settings.objects[object]?.enabled) continue;
    let fields: { name: string }[];
    try {
      fields = (JSON.parse(cached.json) as { fields?: { name: string }[] }).fields ?? [];
    } catch {
      continue;
    }
    const access = fieldAccess(
      wantedFields(input.settings, object, spec),
      requiredFields(input.settings, spec, object),
      {
        fields: fields as never,
      },
    );
    for (const field of access.hidden) {
      const required = access.missingRequired.includes(field);
      warnings.push({
        code: "field_not_readable",
        message: required
          ? `${object} can't sync: the integration user can't read ${field} (field-level security). Give its permission set read access to ${object}.${field}.`
          : `${object}.${field} is hidden from the integration user (field-level security), so it is left out of the sync; ${object} records keep syncing without it. Give the integration user read access to ${field} to sync it.`,
        object,
        field,
      });
    }
  }
  return warnings;
}
