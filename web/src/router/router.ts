import { computed, signal } from "@preact/signals";

// A tiny history-API router: the current URL is a signal, so views re-render on navigation and the
// back button, and filters kept in the query survive reloads and shared links.

interface Loc {
  path: string;
  search: string;
}

function read(): Loc {
  return { path: location.pathname.replace(/\/+$/, "") || "/", search: location.search };
}

export const loc = signal<Loc>(read());
export const query = computed(() => new URLSearchParams(loc.value.search));

addEventListener("popstate", () => {
  loc.value = read();
});

export function navigate(href: string, opts: { replace?: boolean } = {}) {
  const before = location.pathname + location.search;
  if (href === before) return;
  if (opts.replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  loc.value = read();
  // A new page starts at the top, like a normal link; a filter change on the same page keeps the scroll.
  if (new URL(href, location.href).pathname !== new URL(before, location.href).pathname) {
    scrollTo(0, 0);
  }
}

/** `path` plus the non-empty entries of `params`, in a stable order for shareable links. */
export function href(path: string, params: Record<string, string | null | undefined> = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) qs.set(k, v);
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * Changes some query parameters of the current URL (filters), keeping the rest. Each change is a
 * history entry, so Back steps through the filters the admin chose.
 */
export function setQuery(changes: Record<string, string | null>) {
  const qs = new URLSearchParams(loc.value.search);
  for (const [k, v] of Object.entries(changes)) {
    if (v) qs.set(k, v);
    else qs.delete(k);
  }
  const s = qs.toString();
  navigate(s ? `${location.pathname}?${s}` : location.pathname);
}
