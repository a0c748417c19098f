import { computed } from "@preact/signals";
import { loc } from "../router/router";

export const PATHS = {
  launch: "/launch",
  overview: "/settings/crm",
  activity: "/settings/crm/activity",
  history: "/settings/crm/history",
  settings: "/settings/crm/settings",
  run: (id: string) => `/settings/crm/activity/runs/${encodeURIComponent(id)}`,
};

export type Route =
  | { name: "launch" }
  | { name: "overview" }
  | { name: "activity" }
  | { name: "run"; id: string }
  | { name: "history" }
  | { name: "settings" }
  | { name: "not_found" };

export function match(path: string): Route {
  if (path === PATHS.launch) return { name: "launch" };
  if (path === "/" || path === PATHS.overview) return { name: "overview" };
  if (path === PATHS.activity) return { name: "activity" };
  if (path === PATHS.history) return { name: "history" };
  if (path === PATHS.settings) return { name: "settings" };
  const run = /^\/settings\/crm\/activity\/runs\/([^/]+)$/.exec(path);
  if (run) {
    try {
      return { name: "run", id: decodeURIComponent(run[1]) };
    } catch {
      return { name: "not_found" };
    }
  }
  return { name: "not_found" };
}

export const route = computed(() => match(loc.value.path));
