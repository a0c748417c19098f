import { signal } from "@preact/signals";
import type { Counts, TotalsBucket } from "../../../api/types";
import { PATHS } from "../../../app/routes";
import { Notice } from "../../../components/Notice/Notice";
import { Skeleton } from "../../../components/Skeleton/Skeleton";
import { COUNT_LABELS } from "../../../format/labels";
import { Link } from "../../../router/Link";
import { href, navigate } from "../../../router/router";
import { loadTotals, totals, totalsError } from "../model";
import "./ActivityChart.css";

const fmt = new Intl.NumberFormat();
const weekday = new Intl.DateTimeFormat(undefined, { weekday: "short" });
const dayOfMonth = new Intl.DateTimeFormat(undefined, { day: "numeric" });
const dayLong = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric" });
const hourName = new Intl.DateTimeFormat(undefined, { hour: "numeric" });

const period = signal<"days" | "hours">("days");

type Bucket = TotalsBucket & { date?: string };
const KEYS = COUNT_LABELS.map(([k]) => k);
/** Bars are 100 units tall; a non-zero part never draws thinner than this, so a few failures stay visible. */
const MIN_PART = 2;

const total = (c: Counts) => KEYS.reduce((n, k) => n + c[k], 0);
const sum = (list: Bucket[]) =>
  Object.fromEntries(KEYS.map((k) => [k, list.reduce((n, b) => n + b.counts[k], 0)])) as unknown as Counts;

/** Sync activity for one local day, failed runs and runs with failed records only. */
const failuresHref = (date: string) => href(PATHS.activity, { from: date, to: date, has: "failed" });
const hasFailures = (b: Bucket) => b.counts.failed > 0 || b.failedRuns > 0;
/** "Mon" over "30" for a day (narrow columns), "14" or "2 PM" for an hour. */
function Tick({ b }: { b: Bucket }) {
  const at = new Date(b.from);
  if (!b.date) return <span class="chart__tick">{hourName.format(at)}</span>;
  return (
    <span class="chart__tick">
      <span>{weekday.format(at)}</span>
      <span>{dayOfMonth.format(at)}</span>
    </span>
  );
}

/** One stacked bar per day (or hour): created at the bottom, failed on top. */
function Bars({ list, max }: { list: Bucket[]; max: number }) {
  return (
    <>
      {list.map((b, i) => {
        let y = 100;
        return (
          <g key={b.from}>
            {KEYS.map((k) => {
              const n = b.counts[k];
              if (!n) return null;
              const h = Math.max(MIN_PART, (n / max) * 100);
              y -= h;
              const go = k === "failed" && b.date ? () => navigate(failuresHref(b.date!)) : undefined;
              return (
                // biome-ignore lint/a11y/noStaticElementInteractions: a mouse shortcut; keyboards and screen readers have the "N failed" link under the bar
                <rect
                  key={k}
                  class={`chart__part chart__part--${k}${go ? " is-link" : ""}`}
                  x={i * 10 + 1.5}
                  y={y}
                  width={7}
                  height={h}
                  onClick={go}
                />
              );
            })}
          </g>
        );
      })}
    </>
  );
}

function Table({ list, days }: { list: Bucket[]; days: boolean }) {
  return (
    <details class="chart__table">
      <summary>Show the numbers as a table</summary>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a region that may scroll sideways must be reachable by keyboard */}
      <section class="chart__scroll" tabIndex={0} aria-label="Records per period">
        <table>
          <thead>
            <tr>
              <th scope="col">{days ? "Day" : "Hour"}</th>
              {COUNT_LABELS.map(([k, l]) => (
                <th key={k} scope="col">
                  {l}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {list.map((b) => (
              <tr key={b.from}>
                <th scope="row">{(days ? dayLong : hourName).format(new Date(b.from))}</th>
                {KEYS.map((k) => (
                  <td key={k}>
                    {k === "failed" && b.date && hasFailures(b) ? (
                      <Link href={failuresHref(b.date)}>{fmt.format(b.counts.failed)}</Link>
                    ) : (
                      fmt.format(b.counts[k])
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </details>
  );
}

/**
 * The Overview's picture: records created, updated, deleted, skipped and failed per day of the last
 * 7 (or per hour of the last 24), as a small SVG bar chart with its numbers as text and a table.
 * A day's failures link to Sync activity narrowed to that day and to runs with failures.
 */
export function ActivityChart() {
  const t = totals.value;
  const days = period.value === "days";
  const list: Bucket[] = t ? (days ? t.days : t.hours) : [];
  const all = sum(list);
  const max = Math.max(1, ...list.map((b) => total(b.counts)));
  const summary = COUNT_LABELS.map(([k, l]) => `${fmt.format(all[k])} ${l.toLowerCase()}`).join(" · ");
  const title = days ? "Last 7 days" : "Last 24 hours";
  return (
    <section class="card chart" aria-labelledby="chart-title">
      <div class="card__head">
        <h2 id="chart-title">{title}</h2>
        <fieldset class="chart__period">
          <legend class="visually-hidden">Period</legend>
          {(["days", "hours"] as const).map((p) => (
            <button
              key={p}
              type="button"
              class="btn btn--secondary btn--small"
              aria-pressed={period.value === p ? "true" : "false"}
              onClick={() => (period.value = p)}
            >
              {p === "days" ? "7 days" : "24 hours"}
            </button>
          ))}
        </fieldset>
      </div>
      {!t && totalsError.value && <Notice tone="error" title={totalsError.value} onRetry={loadTotals} />}
      {!t && !totalsError.value && <Skeleton kind="health" rows={1} bare />}
      {t && (
        <>
          <p class="chart__summary">{summary}</p>
          <ul class="chart__legend plain" aria-hidden="true">
            {COUNT_LABELS.map(([k, l]) => (
              <li key={k}>
                <span class={`chart__swatch chart__part--${k}`} />
                {l}
              </li>
            ))}
          </ul>
          <div class={`chart__plot chart__plot--${period.value}`}>
            <svg
              viewBox={`0 0 ${list.length * 10} 100`}
              preserveAspectRatio="none"
              role="img"
              aria-label={`Records synced per ${days ? "day" : "hour"}, ${title.toLowerCase()}: ${summary}. The table below has each ${days ? "day" : "hour"}'s numbers.`}
            >
              <line class="chart__base" x1="0" x2={list.length * 10} y1="100" y2="100" />
              <Bars list={list} max={max} />
            </svg>
            <ol class="chart__axis plain">
              {list.map((b, i) => (
                <li key={b.from}>
                  {(days || i % 6 === 0) && <Tick b={b} />}
                  {days && hasFailures(b) && (
                    <Link class="chart__failed" href={failuresHref(b.date!)}>
                      {fmt.format(b.counts.failed)}
                      <span class="chart__failed-word"> failed</span>
                      <span class="visually-hidden"> on {dayLong.format(new Date(b.from))}: show these runs</span>
                    </Link>
                  )}
                </li>
              ))}
            </ol>
          </div>
          <p class="meta chart__scale">
            {list.some((b) => total(b.counts) > 0)
              ? `Tallest bar: ${fmt.format(max)} ${max === 1 ? "record" : "records"}`
              : `Nothing synced in the ${title.toLowerCase()}.`}
          </p>
          <Table list={list} days={days} />
        </>
      )}
    </section>
  );
}
