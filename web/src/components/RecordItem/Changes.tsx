import { useEffect } from "preact/hooks";
import type { Change, Direction } from "../../api/types";
import { PATHS } from "../../app/routes";
import { CONVERSION_ID, fieldLabel, loadFieldLabels } from "../../format/fields";
import { Link } from "../../router/Link";
import { href } from "../../router/router";

/** Values as text: empty ones are named, objects shown as JSON, long ones cut so a row stays readable. */
function show(v: unknown): string {
  if (v === null || v === undefined || v === "") return "(empty)";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}

/** A Conversion record's id links to that record's sync history; anything else is text. */
export function Value({ value, class: cls }: { value: unknown; class?: string }) {
  if (typeof value === "string" && CONVERSION_ID.test(value)) {
    return (
      <Link class={`mono ${cls ?? ""}`} href={href(PATHS.history, { q: value })}>
        {value}
        <span class="visually-hidden"> (sync history)</span>
      </Link>
    );
  }
  return <span class={cls}>{show(value)}</span>;
}

interface Props {
  changes: Change[] | undefined;
  direction?: Direction;
  salesforceObject: string;
}

/** What the sync changed on this record, "Field: old → new", fields by their labels. */
export function Changes({ changes, direction, salesforceObject }: Props) {
  const any = !!changes?.length;
  useEffect(() => {
    if (any) loadFieldLabels();
  }, [any]);
  if (!any) return null;
  return (
    <div class="record__changes">
      <p class="record__changes-title">What changed</p>
      <ul>
        {changes!.map((c, i) => (
          <li key={`${c.field}-${i}`}>
            <span class="record__field" title={c.field}>
              {fieldLabel(c.field, direction, salesforceObject)}
            </span>
            : <Value value={c.from} class="record__old" /> → <Value value={c.to} class="record__new" />
          </li>
        ))}
      </ul>
    </div>
  );
}
