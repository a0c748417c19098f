// Marks the browser tests set on the page's window (in Chromium, through addInitScript or page.evaluate)
// and read back from Node: one declaration instead of a cast at each use.
declare global {
  interface Window {
    /** When the first run row appeared (performance.now()), set by screens.ts's timeToFirstRunRow. */
    __firstRunRowMs?: number;
    /** Set before a change that must not reload the page; still true after it when no navigation happened. */
    __sameDocument?: boolean;
  }
}

export {};
