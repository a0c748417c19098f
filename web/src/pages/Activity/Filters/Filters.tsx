import { OBJECT_TYPES } from "../../../format/labels";
import { today } from "../../../format/time";
import { setQuery } from "../../../router/router";
import { filters, isFiltered, rangeInverted } from "../filters";
import "./Filters.css";

/** Date range and object type; each change is written to the URL, which the list follows. */
export function Filters() {
  const f = filters.value;
  const max = today();
  const onDate = (key: "from" | "to") => (e: Event) =>
    setQuery({ [key]: (e.currentTarget as HTMLInputElement).value || null });

  return (
    <div class="filters">
      <fieldset class="filters__range">
        <legend class="field__label">Date range</legend>
        <div class="field">
          <label for="filter-from">From</label>
          <input id="filter-from" type="date" value={f.from ?? ""} max={f.to ?? max} onChange={onDate("from")} />
        </div>
        <div class="field">
          <label for="filter-to">To</label>
          <input
            id="filter-to"
            type="date"
            value={f.to ?? ""}
            min={f.from ?? undefined}
            max={max}
            onChange={onDate("to")}
          />
        </div>
      </fieldset>
      <div class="field filters__object">
        <label for="filter-object">Object type</label>
        <select
          id="filter-object"
          value={f.objectType ?? ""}
          onChange={(e) => setQuery({ objectType: e.currentTarget.value || null })}
        >
          <option value="">All object types</option>
          {OBJECT_TYPES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div class="field filters__has">
        <label for="filter-has">Show</label>
        <select id="filter-has" value={f.has ?? ""} onChange={(e) => setQuery({ has: e.currentTarget.value || null })}>
          <option value="">All runs</option>
          <option value="failed">Runs with failures</option>
          <option value="skipped">Runs with skipped records</option>
        </select>
      </div>
      {isFiltered.value && (
        <button
          type="button"
          class="btn btn--secondary filters__clear"
          onClick={() => setQuery({ from: null, to: null, objectType: null, has: null })}
        >
          Clear filters
        </button>
      )}
      {rangeInverted.value && (
        <p class="filters__error" role="alert">
          The start date is after the end date. Choose a start date on or before the end date.
        </p>
      )}
    </div>
  );
}
