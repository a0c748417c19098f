import type { ComponentChildren } from "preact";

interface Props {
  /** The heading's id: it names the section, and links to a setting focus it (#schedule). */
  id: string;
  title: string;
  class?: string;
  children: ComponentChildren;
}

/** A section under its heading, which is focusable by script so navigation and links can land on it. */
export function Section({ id, title, class: cls, children }: Props) {
  return (
    <section class={cls} aria-labelledby={id}>
      <h2 id={id} tabIndex={-1}>
        {title}
      </h2>
      {children}
    </section>
  );
}

/** A page under its title: navigation focuses #page-title. */
export function Page({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <Section id="page-title" title={title}>
      {children}
    </Section>
  );
}
