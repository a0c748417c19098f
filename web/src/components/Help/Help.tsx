import type { ComponentChildren } from "preact";
import { entries } from "../../format/labels";
import { Fact } from "../Fact/Fact";
import "./Help.css";

/** A closed-by-default explainer; the wording inside is the user's help wording, kept exact. */
export function Help({ summary, children }: { summary: string; children: ComponentChildren }) {
  return (
    <details class="help">
      <summary>{summary}</summary>
      <div class="help__body">{children}</div>
    </details>
  );
}

/** What each status means: its words (`terms`, the badge's) beside what it means, in the terms' order. */
export function Meanings<K extends string>({
  terms,
  meanings,
}: {
  terms: Record<K, string>;
  meanings: Record<K, string>;
}) {
  return (
    <dl class="help__meanings">
      {entries(terms).map(([key, term]) => (
        <Fact key={key} term={term}>
          {meanings[key]}
        </Fact>
      ))}
    </dl>
  );
}
