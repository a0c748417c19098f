import { signal } from "@preact/signals";

/** The clock relative times are measured against; ticks every 15 s while anything reads it. */
export const now = signal(Date.now());
let ticking = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** Keeps `now` moving while a screen shows relative times; returns the stop function for useEffect. */
export function tickNow(): () => void {
  if (ticking++ === 0) timer = setInterval(() => (now.value = Date.now()), 15_000);
  now.value = Date.now();
  return () => {
    if (--ticking === 0) clearInterval(timer);
  };
}

const minutes = (ms: number) => Math.round(ms / 60_000);

function span(ms: number): string {
  const m = minutes(ms);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** "just now", "4 min ago", "2 h 5 min ago"; older than a day: "on <date>". */
export function ago(iso: string, at: number): string {
  const ms = at - Date.parse(iso);
  if (ms < 45_000) return "just now";
  if (ms >= 86_400_000) return `on ${new Date(iso).toLocaleDateString(undefined, { month: "short", day: "numeric" })}`;
  return `${span(ms)} ago`;
}

/** "in 3 min", "in less than a minute", "due now". */
export function until(iso: string, at: number): string {
  const ms = Date.parse(iso) - at;
  if (ms <= 5_000) return "due now";
  if (ms < 60_000) return "in less than a minute";
  return `in ${span(ms)}`;
}

/** A progress bar's time left: "about 3 min left"; null is still being estimated. */
export function timeLeft(seconds: number | null): string {
  if (seconds === null) return "estimating time left";
  if (seconds < 60) return "less than a minute left";
  return `about ${span(seconds * 1000)} left`;
}
