import { computed, signal } from "@preact/signals";

// A tiny history-API router: the current URL is a signal, so views re-render on navigation and the
// back button, and filters kept in the query survive reloads and shared links.

interface Loc {
  path: string;
  search: string;
  /** "#id" of an element to bring into view and focus (a link to one setting), or "". */
  hash: string;
}

function read(): Loc {
  return { path: location.pathname.replace(/\/+$/, "") || "/", search: location.search, hash: location.hash };
}

export const loc = signal<Loc>(read());
export const query = computed(() => new URLSearchParams(loc.value.search));

/**
 * Asked before the page changes (another path; a new query or hash on the same page is not leaving):
 * false keeps the current page. Settings uses it so unsaved changes are not lost silently.
 */
type LeaveGuard = () => boolean;
let guard: LeaveGuard | null = null;

/** Installs the guard; returns the function that removes it. */
export function setLeaveGuard(fn: LeaveGuard): () => void {
  guard = fn;
  return () => {
    if (guard === fn) guard = null;
  };
}

const mayLeave = (nextPath: string) => nextPath === loc.peek().path || !guard || guard();

addEventListener("popstate", () => {
  const next = read();
  if (!mayLeave(next.path)) {
    // Back/Forward already moved the URL: put the page's own URL back on top.
    const here = loc.peek();
    history.pushState(null, "", here.path + here.search + here.hash);
    return;
  }
  loc.value = next;
});

export function navigate(href: string, opts: { replace?: boolean } = {}) {
  const before = location.pathname + location.search + location.hash;
  if (href === before) return;
  const next = new URL(href, location.href);
  if (!mayLeave(next.pathname.replace(/\/+$/, "") || "/")) return;
  if (opts.replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  loc.value = read();
  // A new page starts at the top, like a normal link; a filter change on the same page keeps the scroll.
  if (next.pathname !== new URL(before, location.href).pathname && !next.hash) {
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
