const fmt = new Intl.NumberFormat();

/** "1,234 of 15,000 (8%)" with a native <meter>, which carries its own value to assistive tech. */
export function Usage({ id, used, limit, label }: { id: string; used: number; limit: number; label: string }) {
  const pct = limit > 0 ? Math.min(100, Math.round((used / limit) * 100)) : 0;
  return (
    <div class="usage">
      <p class="usage__numbers" id={`${id}-text`}>
        <strong>{fmt.format(used)}</strong> of {fmt.format(limit)} used ({pct}%)
      </p>
      <meter
        class="usage__meter"
        min={0}
        max={limit || 1}
        low={limit * 0.7}
        high={limit * 0.9}
        optimum={0}
        value={used}
        aria-label={label}
        aria-describedby={`${id}-text`}
      />
    </div>
  );
}
