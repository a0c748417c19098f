import "./Skeleton.css";

/**
 * Placeholder rows with the height of the real ones, so the page does not jump when data arrives.
 * Screen readers hear one "Loading…" instead of a list of blanks.
 */
export function Skeleton({
  rows = 3,
  kind,
  bare,
}: {
  rows?: number;
  kind: "run" | "record" | "card" | "connection" | "health";
  bare?: boolean;
}) {
  return (
    <div class={bare ? "skeleton skeleton--bare" : "skeleton"} role="status" aria-live="polite">
      <span class="visually-hidden">Loading…</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} class={`skeleton__row skeleton__row--${kind}`} aria-hidden="true">
          <span class="skeleton__bar skeleton__bar--wide" />
          <span class="skeleton__bar" />
          <span class="skeleton__bar skeleton__bar--short" />
        </div>
      ))}
    </div>
  );
}
