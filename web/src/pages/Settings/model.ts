import { computed, signal } from "@preact/signals";
import { ApiError, api, errorText, type FieldIssue } from "../../api/client";
import type { Settings } from "../../api/settings";
import { setLeaveGuard } from "../../router/router";
import { loadConnection } from "../../state/connection";
import { loadCatalog } from "./catalog";

// The settings as saved (the server's answer) and the admin's draft of them. Views edit the draft
// through the actions in edits.ts; Save sends the draft, and the API's 400s land on the fields they name.

export const saved = signal<Settings | null>(null);
export const draft = signal<Settings | null>(null);
export const loadError = signal<string | null>(null);

export type SaveState =
  | { phase: "idle" | "saving" | "saved" }
  | { phase: "error"; message: string; issues: FieldIssue[] };
export const saveState = signal<SaveState>({ phase: "idle" });

/** Field errors from the last refused save, by the API's field path; an edit of that field clears its error. */
export const fieldErrors = signal<Record<string, string>>({});

export const dirty = computed(
  () => !!draft.value && !!saved.value && JSON.stringify(draft.value) !== JSON.stringify(saved.value),
);

/** The id of the input for an API field path: `syncRules.0.field` → `setting-syncRules-0-field`. */
export const fieldId = (path: string) => `setting-${path.replace(/\./g, "-")}`;

export async function loadSettings() {
  loadError.value = null;
  try {
    const s = await api<Settings>("/settings");
    saved.value = s;
    draft.value = structuredClone(s);
  } catch (e) {
    loadError.value = errorText(e);
  }
}

/** Replaces the draft with `next` (views never mutate the draft in place) and forgets the errors of `paths`. */
export function setDraft(next: Settings, ...paths: string[]) {
  draft.value = next;
  if (saveState.peek().phase === "saved") saveState.value = { phase: "idle" };
  const errors = fieldErrors.peek();
  const stale = Object.keys(errors).filter((k) => paths.some((p) => k === p || k.startsWith(`${p}.`)));
  if (stale.length) {
    const rest = { ...errors };
    for (const k of stale) delete rest[k];
    fieldErrors.value = rest;
  }
}

/** Sends the whole draft (parallelReads only when changed); PATCH merges what it names, so this is the page's view of every setting. */
export async function save() {
  const d = draft.peek();
  if (!d || saveState.peek().phase === "saving") return;
  saveState.value = { phase: "saving" };
  const { syncIntervalMinutes, apiDailyBudget, objects, syncRules, outbound, fieldMappings, parallelReads } = d;
  // Sent only when changed: a workspace that never chose follows the deployment's default (GET shows it).
  const reads = parallelReads !== saved.peek()?.parallelReads ? { parallelReads } : {};
  try {
    const next = await api<Settings>("/settings", {
      method: "PATCH",
      body: { syncIntervalMinutes, apiDailyBudget, objects, syncRules, outbound, fieldMappings, ...reads },
    });
    saved.value = next;
    draft.value = structuredClone(next);
    fieldErrors.value = {};
    saveState.value = { phase: "saved" };
  } catch (e) {
    const issues = e instanceof ApiError ? e.issues : [];
    fieldErrors.value = Object.fromEntries(issues.map((i) => [i.field, i.message]));
    saveState.value = { phase: "error", message: errorText(e), issues };
    // The first field the API named takes focus, so its message is read out with it.
    const first = issues.find((i) => document.getElementById(fieldId(i.field)));
    (first ? document.getElementById(fieldId(first.field)) : document.getElementById("settings-errors"))?.focus();
  }
}

export function discard() {
  const s = saved.peek();
  if (!s) return;
  draft.value = structuredClone(s);
  fieldErrors.value = {};
  saveState.value = { phase: "idle" };
}

const LEAVE_QUESTION = "You have unsaved changes in Settings. Leave this page and lose them?";

/** Loads the page and keeps unsaved changes from being lost silently: in-app links ask, and so does the browser. */
export function mountSettings(): () => void {
  saved.value = null;
  draft.value = null;
  fieldErrors.value = {};
  saveState.value = { phase: "idle" };
  void loadSettings();
  void loadCatalog();
  void loadConnection();
  const unguard = setLeaveGuard(() => !dirty.peek() || confirm(LEAVE_QUESTION));
  const onBeforeUnload = (e: BeforeUnloadEvent) => {
    if (!dirty.peek()) return;
    e.preventDefault();
    // Older Chromium shows the prompt only when returnValue is set.
    e.returnValue = "";
  };
  addEventListener("beforeunload", onBeforeUnload);
  return () => {
    unguard();
    removeEventListener("beforeunload", onBeforeUnload);
  };
}
