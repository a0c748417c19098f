import type { ComponentChildren } from "preact";
import "./Help.css";

/** A closed-by-default explainer; the wording inside comes from the help article. */
export function Help({ summary, children }: { summary: string; children: ComponentChildren }) {
  return (
    <details class="help">
      <summary>{summary}</summary>
      <div class="help__body">{children}</div>
    </details>
  );
}

export function Meanings({ rows }: { rows: [string, string][] }) {
  return (
    <dl class="help__meanings">
      {rows.map(([term, meaning]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{meaning}</dd>
        </div>
      ))}
    </dl>
  );
}
