import { computed } from "@preact/signals";
import type { Direction, ObjectType, RunsWith } from "../../api/types";
import { DIRECTION, isKeyOf, OBJECT_LABEL } from "../../format/labels";
import { dayToIso } from "../../format/time";
import { query } from "../../router/router";

// The Sync activity filters live in the URL (?direction=&objectType=&from=&to=&has=), so Back and shared
// links reproduce the view. Unknown values are ignored rather than sent to the API.

export interface ActivityFilters {
  direction: Direction | null;
  objectType: ObjectType | null;
  from: string | null;
  to: string | null;
  /** Runs with failures (failed, or with failed records), or with skipped records. */
  has: RunsWith | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = (v: string | null) => (v && DAY.test(v) ? v : null);

export const filters = computed<ActivityFilters>(() => {
  const q = query.value;
  const d = q.get("direction");
  const o = q.get("objectType");
  const has = q.get("has");
  return {
    direction: isKeyOf(DIRECTION, d) ? d : null,
    objectType: isKeyOf(OBJECT_LABEL, o) ? o : null,
    from: day(q.get("from")),
    to: day(q.get("to")),
    has: has === "failed" || has === "skipped" ? has : null,
  };
});

export const filtersKey = computed(() => JSON.stringify(filters.value));
export const isFiltered = computed(() => Object.values(filters.value).some(Boolean));
export const rangeInverted = computed(() => {
  const { from, to } = filters.value;
  return Boolean(from && to && from > to);
});

/** The runs endpoint's query: dates become the ISO instants that bound those local days. */
export function runsQuery(f: ActivityFilters) {
  return {
    direction: f.direction,
    objectType: f.objectType,
    has: f.has,
    from: f.from ? dayToIso(f.from) : null,
    to: f.to ? dayToIso(f.to, true) : null,
  };
}
