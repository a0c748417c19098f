import type { ComponentChildren } from "preact";

interface Props {
  /** The draft edit: add a row, remove one. */
  onEdit: () => void;
  /** Where focus goes once the rows have re-rendered (the new row's first field, or "Add" after a removal). */
  focus: string;
  id?: string;
  class: string;
  children: ComponentChildren;
}

/** A button that adds or removes a row of the settings draft and keeps keyboard focus on the rows. */
export function EditButton({ onEdit, focus, id, class: cls, children }: Props) {
  return (
    <button
      type="button"
      id={id}
      class={cls}
      onClick={() => {
        onEdit();
        setTimeout(() => document.getElementById(focus)?.focus(), 0);
      }}
    >
      {children}
    </button>
  );
}
