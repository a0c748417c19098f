import type { RunStatus } from "../../api/types";
import { RUN_STATUS } from "../../format/labels";
import { Help, Meanings } from "./Help";

// Article wording, verbatim: what a run's time and duration mean, and the three run statuses.
const MEANING: Record<RunStatus, string> = {
  in_progress: "The batch is still being processed.",
  completed:
    "The batch finished. Individual records may still have been skipped or failed—open the run to see details.",
  failed: "The whole batch could not be processed.",
};

export function ActivityHelp() {
  return (
    <Help summary="What the times and statuses mean">
      <p>
        The time shown on each entry is when the sync ran—the moment Conversion started processing that batch—displayed
        in your local time zone. The duration beside it is how long the batch took from start to finish. These
        timestamps reflect sync time, not the time a record was changed in Salesforce.
      </p>
      <p>
        Conversion processes records in batches, and each batch is one entry in Sync activity. Outbound activity usually
        appears within seconds of a change in Conversion, while inbound activity appears on each scheduled run.
      </p>
      <Meanings terms={RUN_STATUS} meanings={MEANING} />
    </Help>
  );
}
