import { Help, Meanings } from "./Help";

// Article wording, verbatim: the three record statuses within a run.
const RECORD_STATUSES: [string, string][] = [
  ["Success", "The record synced."],
  [
    "Skipped",
    "The record was intentionally not synced—usually expected behavior (for example, a record with no email).",
  ],
  ["Failed", "The record hit an error while syncing and needs attention."],
];

export function RecordHelp() {
  return (
    <Help summary="What the record statuses mean">
      <Meanings rows={RECORD_STATUSES} />
      <p>
        External created and updated times come from Salesforce; the run’s own time is when Conversion synced the batch.
      </p>
    </Help>
  );
}
