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
