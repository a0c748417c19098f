/**
 * Focuses the element with this id once the page has drawn it (a page loads its data first), and
 * scrolls it into view: a link to one setting lands on that setting. Elements that are not
 * focusable (a heading, a fieldset) become focusable by script only. Gives up after a few seconds.
 * Returns a function that stops waiting.
 */
export function focusWhenShown(id: string, timeoutMs = 8000): () => void {
  let target: string;
  try {
    target = decodeURIComponent(id);
  } catch {
    return () => undefined;
  }
  const tryFocus = () => {
    const el = document.getElementById(target);
    if (!el) return false;
    if (el.tabIndex < 0 && !el.hasAttribute("tabindex")) el.tabIndex = -1;
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "center" });
    return true;
  };
  if (tryFocus()) return () => undefined;
  const observer = new MutationObserver(() => {
    if (tryFocus()) stop();
  });
  const timer = setTimeout(() => stop(), timeoutMs);
  const stop = () => {
    observer.disconnect();
    clearTimeout(timer);
  };
  observer.observe(document.body, { childList: true, subtree: true });
  return stop;
}
