import type { ComponentChildren } from "preact";

/** One term and its value in a list of facts (`<dl>`): a run's, a record's, the connection's. */
export function Fact({ term, class: cls, children }: { term: string; class?: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd class={cls}>{children}</dd>
    </div>
  );
}
