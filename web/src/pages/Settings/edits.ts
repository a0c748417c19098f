import type { Mapping, MappingKind, Settings, SyncRule, WriteMode } from "../../api/settings";
import { catalog } from "./catalog";
import { draft, setDraft } from "./model";

// Every change the Settings screen makes to the draft, as plain functions; each names the API field
// path it touches so a stale error message on that field goes away.

function edit(path: string, change: (d: Settings) => Settings) {
  const d = draft.peek();
  if (d) setDraft(change(d), path);
}

/** A number input's text as the API takes it: empty is null, anything else a number (the API checks the rest). */
function numberOrNull(raw: string): number | null {
  const t = raw.trim();
  return t === "" ? null : Number(t);
}

export const setSyncInterval = (raw: string) =>
  edit("syncIntervalMinutes", (d) => ({ ...d, syncIntervalMinutes: numberOrNull(raw) }));

export const setBudget = (raw: string) => edit("apiDailyBudget", (d) => ({ ...d, apiDailyBudget: numberOrNull(raw) }));

export const setParallelReads = (raw: string) => edit("parallelReads", (d) => ({ ...d, parallelReads: Number(raw) }));

export function setObject(name: string, change: { enabled?: boolean; writeMode?: WriteMode }) {
  const key = "enabled" in change ? "enabled" : "writeMode";
  edit(`objects.${name}.${key}`, (d) => ({
    ...d,
    objects: { ...d.objects, [name]: { ...d.objects[name]!, ...change } },
  }));
}

export function setOutbound(key: keyof Settings["outbound"], on: boolean) {
  edit(`outbound.${key}`, (d) => ({ ...d, outbound: { ...d.outbound, [key]: on } }));
}

/** A new rule excludes Leads whose chosen field is true, the usual "Do not sync" checkbox. */
export function addRule() {
  edit("syncRules", (d) => ({ ...d, syncRules: [...d.syncRules, { object: "Lead", field: "", equals: true }] }));
}

export function removeRule(index: number) {
  edit("syncRules", (d) => ({ ...d, syncRules: d.syncRules.filter((_, i) => i !== index) }));
}

/**
 * The value a rule compares with, typed as Salesforce sends the field: a checkbox is true or false,
 * a number a number. Without describe, "true" and "false" are taken as a checkbox's values.
 */
const fieldType = (object: string, field: string) =>
  catalog.peek()?.salesforce.objects[object]?.fields.find((f) => f.name === field)?.type;

export function ruleValue(object: string, field: string, raw: string): SyncRule["equals"] {
  const type = fieldType(object, field);
  if (type === "boolean" || (!type && (raw === "true" || raw === "false"))) return raw === "true";
  if (type && ["double", "int", "currency", "percent"].includes(type) && raw.trim() !== "" && !Number.isNaN(+raw))
    return Number(raw);
  return raw;
}

export function setRule(index: number, change: Partial<SyncRule>) {
  const key = Object.keys(change)[0] ?? "field";
  edit(`syncRules.${index}.${key}`, (d) => ({
    ...d,
    syncRules: d.syncRules.map((r, i) => {
      if (i !== index) return r;
      const next = { ...r, ...change };
      // Another object has other fields: the chosen one may not exist there.
      if (change.object !== undefined && change.object !== r.object) next.field = "";
      // A checkbox compares with true or false, other fields with text: a value of the wrong kind starts over.
      const type = change.field !== undefined ? fieldType(next.object, next.field) : undefined;
      if (type === "boolean" && typeof next.equals !== "boolean") next.equals = true;
      if (type && type !== "boolean" && typeof next.equals === "boolean") next.equals = "";
      return next;
    }),
  }));
}

export function addMapping(kind: MappingKind) {
  edit(`fieldMappings.${kind}`, (d) => {
    const used = new Set(d.fieldMappings[kind].map((m) => m.conversionField));
    const free = catalog.peek()?.conversion[kind].find((f) => !used.has(f.name))?.name ?? "";
    const row: Mapping = { conversionField: free, salesforceField: "", direction: "both", writeRule: "always" };
    return { ...d, fieldMappings: { ...d.fieldMappings, [kind]: [...d.fieldMappings[kind], row] } };
  });
}

export function removeMapping(kind: MappingKind, index: number) {
  edit(`fieldMappings.${kind}`, (d) => ({
    ...d,
    fieldMappings: { ...d.fieldMappings, [kind]: d.fieldMappings[kind].filter((_, i) => i !== index) },
  }));
}

export function setMapping(kind: MappingKind, index: number, change: Partial<Mapping>) {
  const key = Object.keys(change)[0] ?? "";
  edit(`fieldMappings.${kind}.${index}.${key}`, (d) => ({
    ...d,
    fieldMappings: {
      ...d.fieldMappings,
      [kind]: d.fieldMappings[kind].map((m, i) => (i === index ? { ...m, ...change } : m)),
    },
  }));
}
