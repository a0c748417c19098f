import { fieldId, saveState } from "./model";

const OBJECT_WORDS: Record<string, string> = { contact: "contact", company: "company" };

/** An API field path in the screen's words: `fieldMappings.contact.2.salesforceField` → "Contact mapping 3: Salesforce field". */
function words(path: string): string {
  const p = path.split(".");
  const n = (i: number) => Number(p[i]) + 1;
  switch (p[0]) {
    case "syncIntervalMinutes":
      return "Sync interval";
    case "apiDailyBudget":
      return "Daily Salesforce API budget";
    case "parallelReads":
      return "Parallel reads during a backfill";
    case "objects":
      return p[2] === "writeMode" ? `Write mode for ${p[1]}` : `Sync ${p[1] ?? ""}`;
    case "syncRules":
      return p.length > 2 ? `Sync rule ${n(1)}: ${p[2] === "equals" ? "value" : p[2]}` : "Sync rules";
    case "outbound":
      return "Writing to Salesforce";
    case "fieldMappings": {
      const kind = OBJECT_WORDS[p[1] ?? ""] ?? "";
      const what =
        p[3] === "salesforceField" ? "Salesforce field" : p[3] === "conversionField" ? "Conversion field" : p[3];
      return p.length > 3 ? `${kind[0]?.toUpperCase()}${kind.slice(1)} mapping ${n(2)}: ${what}` : "Field mapping";
    }
    default:
      return path;
  }
}

/** After a refused save: what the API said, each message linking to its field (where the message also stands). */
export function ErrorSummary() {
  const s = saveState.value;
  if (s.phase !== "error") return null;
  const focus = (e: MouseEvent, id: string) => {
    const el = document.getElementById(id);
    if (!el) return;
    e.preventDefault();
    el.focus();
  };
  return (
    <div id="settings-errors" class="notice notice--error" role="alert" tabIndex={-1}>
      <p class="notice__title">The settings were not saved.</p>
      {s.issues.length ? (
        <ul>
          {s.issues.map((i) => (
            <li key={i.field}>
              <a href={`#${fieldId(i.field)}`} onClick={(e) => focus(e, fieldId(i.field))}>
                {words(i.field)}
              </a>
              : {i.message}
            </li>
          ))}
        </ul>
      ) : (
        <p>{s.message}</p>
      )}
    </div>
  );
}
