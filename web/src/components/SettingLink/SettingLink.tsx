import { Link } from "../../router/Link";
import { type ReasonContext, settingFor } from "./settingLink";
import "./SettingLink.css";

/** A line under a message linking to the setting it names; nothing for messages no setting explains. */
export function SettingLink(props: ReasonContext) {
  const target = settingFor(props);
  if (!target) return null;
  return (
    <p class="setting-link">
      <Link href={target.href}>{target.text}</Link>
    </p>
  );
}

/** The catalogue's advice for a reason ("What to do: …"), then the link to the setting it names. */
export function WhatToDo({ action, code, class: cls }: { action: string | null; code: string; class?: string }) {
  return (
    <>
      {action && (
        <p class={cls}>
          <strong>What to do: </strong>
          {action}
        </p>
      )}
      <SettingLink code={code} />
    </>
  );
}
