import { dirty, discard, saveState } from "../model";
import "./SaveBar.css";

/** Save and Discard with what is unsaved; while something is unsaved the bar stays in reach at the bottom of the window. */
export function SaveBar() {
  const s = saveState.value;
  const saving = s.phase === "saving";
  const status = saving
    ? "Saving…"
    : dirty.value
      ? "You have unsaved changes."
      : s.phase === "saved"
        ? "Settings saved. They apply from the next sync."
        : "No unsaved changes.";
  return (
    <div class={dirty.value || saving ? "save-bar save-bar--pending" : "save-bar"}>
      <p class="save-bar__status" role="status">
        {status}
      </p>
      <div class="save-bar__actions">
        <button
          type="button"
          class="btn btn--secondary"
          onClick={discard}
          aria-disabled={dirty.value ? undefined : "true"}
        >
          Discard changes
        </button>
        <button type="submit" class="btn" aria-disabled={saving || !dirty.value ? "true" : undefined}>
          {saving ? "Saving…" : "Save changes"}
        </button>
      </div>
    </div>
  );
}
