import type { AnchorHTMLAttributes, ComponentChildren } from "preact";
import { navigate } from "./router";

type Props = AnchorHTMLAttributes & { href: string; children: ComponentChildren };

/**
 * A real <a href> (so open-in-new-tab, copy link and keyboard all work) that navigates in place for
 * a plain left click.
 */
export function Link({ href, children, ...rest }: Props) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
