import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { PATHS, route } from "../app/routes";
import { Tabs, tabId } from "../components/Tabs/Tabs";
import { focusWhenShown } from "../lib/focusTarget";
import { loc } from "../router/router";
import { session } from "../state/session";
import "./Layout.css";

const SECTIONS = [
  { key: "overview", label: "Overview", href: PATHS.overview },
  { key: "activity", label: "Sync activity", href: PATHS.activity },
  { key: "history", label: "Record history", href: PATHS.history },
  { key: "settings", label: "Settings", href: PATHS.settings },
];

const TITLES: Record<string, string> = {
  overview: "Overview",
  activity: "Sync activity",
  run: "Sync run",
  history: "Record history",
  settings: "Settings",
  not_found: "Page not found",
};

/** Settings → CRM & Syncing: the header and section tabs around every page. */
export function Layout({ children }: { children: ComponentChildren }) {
  const name = route.value.name;
  const section = name === "run" ? "activity" : name;
  const { path, hash } = loc.value;

  const first = useRef(true);
  useEffect(() => {
    document.title = `${TITLES[name] ?? "CRM & Syncing"} · CRM & Syncing · Conversion`;
    // After a link changes the page, move focus to the new page's heading so keyboard and screen
    // reader users start there (the first load starts at the top as usual); tabs keep their own
    // focus so arrow keys keep working. A link to one setting (#id) focuses that setting instead.
    const firstLoad = first.current;
    first.current = false;
    if (hash) return focusWhenShown(hash.slice(1));
    if (firstLoad) return;
    if (!document.activeElement?.closest('[role="tablist"]')) {
      // A page still loading has no heading yet; its main region takes focus instead.
      (document.getElementById("page-title") ?? document.getElementById("main"))?.focus();
    }
  }, [path, hash]);

  return (
    <div class="layout">
      <header class="layout__header">
        <nav aria-label="Breadcrumb" class="layout__crumbs">
          <span>Settings</span>
          <span aria-hidden="true"> → </span>
          <span aria-current="page">CRM &amp; Syncing</span>
        </nav>
        <div class="layout__titlebar">
          <h1>CRM &amp; Syncing</h1>
          {session.value && <p class="layout__workspace">{session.value.workspace.name}</p>}
        </div>
      </header>
      <nav class="layout__sections" aria-label="CRM & Syncing sections">
        <Tabs label="CRM & Syncing" items={SECTIONS} selected={section} panelId="section-panel" idPrefix="section" />
      </nav>
      <main id="main" tabIndex={-1}>
        <div id="section-panel" role="tabpanel" aria-labelledby={tabId("section", section)}>
          {children}
        </div>
      </main>
    </div>
  );
}
