import { useRef } from "preact/hooks";
import { navigate } from "../../router/router";
import "./Tabs.css";

export interface TabItem {
  key: string;
  label: string;
  href: string;
}

interface Props {
  label: string;
  items: TabItem[];
  selected: string;
  /** id of the element the tabs control; it should be role="tabpanel" labelled by `tabId(idPrefix, selected)`. */
  panelId: string;
  idPrefix: string;
}

export const tabId = (prefix: string, key: string) => `${prefix}-tab-${key}`;

/**
 * ARIA tabs whose selection lives in the URL, with manual activation (WAI-ARIA APG): each tab is a
 * real link (so it can be opened in a new tab or shared); arrow keys, Home and End move focus between
 * tabs without changing the page, Enter or Space opens the focused one; only the selected tab is in
 * the Tab order.
 */
export function Tabs({ label, items, selected, panelId, idPrefix }: Props) {
  const list = useRef<HTMLDivElement>(null);

  const focus = (i: number) => {
    const item = items[(i + items.length) % items.length]!;
    list.current?.querySelector<HTMLElement>(`#${tabId(idPrefix, item.key)}`)?.focus();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const key = (e.target as HTMLElement).dataset.key;
    const i = items.findIndex((t) => t.key === key);
    if (e.key === "ArrowRight") focus(i + 1);
    else if (e.key === "ArrowLeft") focus(i - 1);
    else if (e.key === "Home") focus(0);
    else if (e.key === "End") focus(items.length - 1);
    // Enter is the link's own activation (a click); Space does the same here.
    else if (e.key === " " && items[i]) navigate(items[i].href);
    else return;
    e.preventDefault();
  };

  const onClick = (e: MouseEvent, href: string) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };

  return (
    <div class="tabs" role="tablist" aria-label={label} ref={list} onKeyDown={onKeyDown}>
      {items.map((t) => {
        const on = t.key === selected;
        return (
          <a
            key={t.key}
            id={tabId(idPrefix, t.key)}
            data-key={t.key}
            role="tab"
            class="tabs__tab"
            href={t.href}
            aria-selected={on ? "true" : "false"}
            aria-controls={panelId}
            tabIndex={on ? 0 : -1}
            onClick={(e) => onClick(e, t.href)}
          >
            {t.label}
          </a>
        );
      })}
    </div>
  );
}
