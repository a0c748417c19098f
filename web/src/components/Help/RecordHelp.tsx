import type { RecordStatus } from "../../api/types";
import { RECORD_STATUS } from "../../format/labels";
import { Help, Meanings } from "./Help";

// Article wording, verbatim: the three record statuses within a run.
const MEANING: Record<RecordStatus, string> = {
  success: "The record synced.",
  skipped: "The record was intentionally not synced—usually expected behavior (for example, a record with no email).",
  failed: "The record hit an error while syncing and needs attention.",
};

export function RecordHelp() {
  return (
    <Help summary="What the record statuses mean">
      <Meanings terms={RECORD_STATUS} meanings={MEANING} />
      <p>
        External created and updated times come from Salesforce; the run’s own time is when Conversion synced the batch.
      </p>
    </Help>
  );
}
