import { eq } from "drizzle-orm";
import type { Db } from "../db";
import { settings as settingsTable } from "../db/schema";
import { invalidField } from "../lib/refusal";
import { isoNow } from "../lib/time";
import { cycleOrder } from "../sync/objects";
import { defaultSettings } from "./defaults";
import { COMPANY_FIELDS, CONTACT_FIELDS } from "./fields";
import { type Settings, settingsSchema } from "./schema";

/** The workspace's settings; defaults until the admin saves any. */
export async function loadSettings(db: Db, workspaceId: string): Promise<Settings> {
  const row = await db.select().from(settingsTable).where(eq(settingsTable.workspaceId, workspaceId)).get();
  if (!row) return defaultSettings();
  const parsed = settingsSchema.safeParse(JSON.parse(row.json));
  if (parsed.success) return withKnownObjects(parsed.data);
  // Saved settings are validated on the way in, so this is a bug or a bad migration: say so loudly.
  console.error(
    "stored settings fail their schema; using defaults",
    workspaceId,
    parsed.error.issues[0]?.path.join("."),
  );
  return defaultSettings();
}

type Patch = Partial<{ [K in keyof Settings]: unknown }> & Record<string, unknown>;

/**
 * Drops object entries the sync never reads: the event object's old name after a rename, and names
 * saved before PATCH refused unknown ones. GET then never shows a key that PATCH would refuse.
 */
function withKnownObjects(s: Settings): Settings {
  const known = new Set(cycleOrder(s.eventObject));
  return { ...s, objects: Object.fromEntries(Object.entries(s.objects).filter(([name]) => known.has(name))) };
}

/**
 * The planner reads only the five standard objects and the event object, so any other name in a
 * PATCH would be saved and silently ignored: refuse it, naming the key. The event object is the one
 * the merged settings name, so a PATCH may rename it and configure it at once.
 */
function checkObjectNames(patch: Patch, eventObject: string) {
  if (typeof patch.objects !== "object" || patch.objects === null) return;
  const known = cycleOrder(eventObject);
  for (const name of Object.keys(patch.objects)) {
    if (!known.includes(name)) {
      const standard = known.slice(0, -1).join(", ");
      throw invalidField(
        "body",
        `objects.${name}`,
        `unknown object '${name}': settings take ${standard} and the event object '${eventObject}'`,
      );
    }
  }
}

/** Merges a validated PATCH into the stored settings: nested objects merge, arrays replace. */
export function mergeSettings(current: Settings, patch: Patch): Settings {
  checkObjectNames(patch, typeof patch.eventObject === "string" ? patch.eventObject : current.eventObject);
  const next = structuredClone(current) as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (key === "objects") {
      const objects = next.objects as Settings["objects"];
      for (const [name, partial] of Object.entries(value as Record<string, object>)) {
        // hasOwn: a name like "constructor" must not pick up Object.prototype's member as its settings.
        const current = Object.hasOwn(objects, name)
          ? objects[name]!
          : { enabled: false, writeMode: "create_or_update" as const };
        objects[name] = { ...current, ...partial };
      }
    } else if (key === "outbound" || key === "fieldMappings") {
      next[key] = { ...(next[key] as object), ...(value as object) };
    } else {
      next[key] = value;
    }
  }
  const merged = next as Settings;
  // The event object's entry follows its name, so renaming it keeps one switch for it.
  if (!merged.objects[merged.eventObject])
    merged.objects[merged.eventObject] = { enabled: false, writeMode: "create_or_update" };
  checkMappings(merged);
  return withKnownObjects(merged);
}

function checkMappings(s: Settings) {
  const check = (kind: "contact" | "company", allowed: readonly string[]) =>
    s.fieldMappings[kind].forEach((m, i) => {
      if (!allowed.includes(m.conversionField)) {
        throw invalidField(
          "body",
          `fieldMappings.${kind}.${i}.conversionField`,
          `unknown ${kind} field '${m.conversionField}'`,
        );
      }
    });
  check("contact", CONTACT_FIELDS);
  check("company", COMPANY_FIELDS);
}

export async function saveSettings(db: Db, workspaceId: string, value: Settings): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insert(settingsTable)
    .values({ workspaceId, json, updatedAt: isoNow() })
    .onConflictDoUpdate({ target: settingsTable.workspaceId, set: { json, updatedAt: isoNow() } });
}
