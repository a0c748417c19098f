import type { ComponentChildren } from "preact";
import "./Notice.css";

interface Props {
  tone: "error" | "warning" | "info" | "success";
  title?: string;
  children?: ComponentChildren;
  /** Shown as a "Try again" button, for errors the user can recover from. */
  onRetry?: () => void;
}

/** A message box; errors and warnings are announced as alerts, the rest politely. */
export function Notice({ tone, title, children, onRetry }: Props) {
  const role = tone === "error" || tone === "warning" ? "alert" : "status";
  return (
    <div class={`notice notice--${tone}`} role={role}>
      {title && <p class="notice__title">{title}</p>}
      {children && <div class="notice__body">{children}</div>}
      {onRetry && (
        <button type="button" class="btn btn--secondary btn--small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
