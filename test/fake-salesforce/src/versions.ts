// REST API versions the fake answers: v50.0 (jsforce's default) up to Winter '27.
import { json } from "./http";

export const MIN_VERSION = 50;
export const MAX_VERSION = 68;
export const LATEST_VERSION = `${MAX_VERSION}.0`;

const SEASONS = ["Winter", "Spring", "Summer"];

function label(v: number): string {
  // v50.0 was Winter '21; three releases a year since, the year turning with each Winter release.
  const steps = v - 50;
  return `${SEASONS[steps % 3]} '${21 + Math.floor(steps / 3)}`;
}

export function versionsResponse(): Response {
  const list = [];
  for (let v = MIN_VERSION; v <= MAX_VERSION; v++)
    list.push({ label: label(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
  return json(list);
}

/** "62.0" from a path segment "v62.0", or null when the version is not served. */
export function parseVersion(segment: string): string | null {
  const m = /^v(\d+)\.0$/.exec(segment);
  if (!m) return null;
  const v = Number(m[1]);
  return v >= MIN_VERSION && v <= MAX_VERSION ? `${v}.0` : null;
}
