import type { Change } from "../../api/types";

/** Values as text: empty ones are named, objects shown as JSON, long ones cut so a row stays readable. */
function show(v: unknown): string {
  if (v === null || v === undefined || v === "") return "(empty)";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}

/** What the sync changed on this record, "field: old → new". */
export function Changes({ changes }: { changes: Change[] | undefined }) {
  if (!changes?.length) return null;
  return (
    <div class="record__changes">
      <p class="record__changes-title">What changed</p>
      <ul>
        {changes.map((c, i) => (
          <li key={`${c.field}-${i}`}>
            <code>{c.field}</code>: <span class="record__old">{show(c.from)}</span> →{" "}
            <span class="record__new">{show(c.to)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
