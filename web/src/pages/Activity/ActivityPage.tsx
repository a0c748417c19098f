import { useEffect } from "preact/hooks";
import { PATHS } from "../../app/routes";
import { ActivityHelp } from "../../components/Help/ActivityHelp";
import { InboundChecks } from "../../components/InboundChecks/InboundChecks";
import { Tabs, tabId } from "../../components/Tabs/Tabs";
import { DIRECTION } from "../../format/labels";
import { timeZone } from "../../format/time";
import { href, query } from "../../router/router";
import { Filters } from "./Filters/Filters";
import { filters } from "./filters";
import { anyInProgress, checks, mountActivity, newRuns, showNewRuns } from "./model";
import { RunList } from "./RunList";
import "./ActivityPage.css";
import { Page } from "../../layout/Section";

/** Keeps the other filters when switching direction, so a tab is one more narrowing, not a reset. */
function directionHref(direction: string | null) {
  const q = Object.fromEntries(query.value);
  return href(PATHS.activity, { ...q, direction });
}

/** The held-back runs join the list; focus goes to the list so it is not lost with the button. */
function showNew() {
  showNewRuns();
  document.getElementById("run-list")?.focus();
}

export function ActivityPage() {
  useEffect(mountActivity, []);
  const selected = filters.value.direction ?? "all";
  const tabs = [
    { key: "all", label: "All", href: directionHref(null) },
    { key: "inbound", label: DIRECTION.inbound, href: directionHref("inbound") },
    { key: "outbound", label: DIRECTION.outbound, href: directionHref("outbound") },
  ];

  return (
    <Page title="Sync activity">
      <p class="page-intro">
        Every sync between Conversion and Salesforce, newest first. Times are when each sync ran, shown in your time
        zone ({timeZone}).
      </p>
      <ActivityHelp />
      <Tabs label="Direction" items={tabs} selected={selected} panelId="activity-panel" idPrefix="direction" />
      <div id="activity-panel" role="tabpanel" aria-labelledby={tabId("direction", selected)}>
        <Filters />
        <InboundChecks checks={checks.value} compact />
        <div class="activity__live" role="status">
          {anyInProgress.value && <span class="activity__live-dot">Updating live</span>}
          {newRuns.value.length > 0 && (
            <button type="button" class="btn btn--small activity__new" onClick={showNew}>
              {newRuns.value.length === 1 ? "1 new run" : `${newRuns.value.length} new runs`} — Show
            </button>
          )}
        </div>
        <RunList />
      </div>
    </Page>
  );
}
