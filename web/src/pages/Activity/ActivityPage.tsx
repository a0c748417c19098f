import { useEffect } from "preact/hooks";
import { PATHS } from "../../app/routes";
import { ActivityHelp } from "../../components/Help/ActivityHelp";
import { Tabs, tabId } from "../../components/Tabs/Tabs";
import { DIRECTION } from "../../format/labels";
import { timeZone } from "../../format/time";
import { href, query } from "../../router/router";
import { Filters } from "./Filters/Filters";
import { filters } from "./filters";
import { anyInProgress, mountActivity, newRunsNote } from "./model";
import { RunList } from "./RunList";
import "./ActivityPage.css";

/** Keeps the other filters when switching direction, so a tab is one more narrowing, not a reset. */
function directionHref(direction: string | null) {
  const q = Object.fromEntries(query.value);
  return href(PATHS.activity, { ...q, direction });
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
    <section aria-labelledby="page-title">
      <h2 id="page-title" tabIndex={-1}>
        Sync activity
      </h2>
      <p class="page-intro">
        Every sync between Conversion and Salesforce, newest first. Times are when each sync ran, shown in your time
        zone ({timeZone}).
      </p>
      <ActivityHelp />
      <Tabs label="Direction" items={tabs} selected={selected} panelId="activity-panel" idPrefix="direction" />
      <div id="activity-panel" role="tabpanel" aria-labelledby={tabId("direction", selected)}>
        <Filters />
        <p class="activity__live" role="status">
          {anyInProgress.value && <span class="activity__live-dot">Updating live</span>}
          <span class="visually-hidden">{newRunsNote.value}</span>
        </p>
        <RunList />
      </div>
    </section>
  );
}
