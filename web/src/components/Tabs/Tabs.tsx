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
 * ARIA tabs whose selection lives in the URL: each tab is a real link (so it can be opened in a new
 * tab or shared), arrow keys move between tabs and select them, and only the selected tab is in the
 * Tab order.
 */
export function Tabs({ label, items, selected, panelId, idPrefix }: Props) {
  const list = useRef<HTMLDivElement>(null);

  const go = (i: number) => {
    const item = items[(i + items.length) % items.length];
    navigate(item.href);
    list.current?.querySelector<HTMLElement>(`#${tabId(idPrefix, item.key)}`)?.focus();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const i = items.findIndex((t) => t.key === selected);
    if (e.key === "ArrowRight") go(i + 1);
    else if (e.key === "ArrowLeft") go(i - 1);
    else if (e.key === "Home") go(0);
    else if (e.key === "End") go(items.length - 1);
    else if (e.key === " ") go(items.findIndex((t) => t.key === (e.target as HTMLElement).dataset.key));
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
