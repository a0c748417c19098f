/**
 * Calls `fn` every `ms` while the tab is visible, never overlapping two calls (a slow answer must not
 * pile up requests). Errors are swallowed: the next tick tries again. Returns a stop function.
 */
export function poll(fn: () => unknown, ms: number): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (stopped) return;
    if (!document.hidden) {
      try {
        await fn();
      } catch {
        // A failed refresh leaves what is shown; the user still sees the last good data.
      }
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  timer = setTimeout(tick, ms);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
