import { formatTime, timeZone } from "../../format/time";

/** An instant in the viewer's zone; the machine-readable ISO stays in `datetime`, the zone's full name in the tooltip. */
export function LocalTime({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span>—</span>;
  return (
    <time dateTime={iso} title={`${timeZone} (${iso})`}>
      {formatTime(iso)}
    </time>
  );
}
