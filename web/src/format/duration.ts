/** "0.4 s", "1.2 s", "42 s", "3 min 4 s", "1 h 5 min"; null (still running) is "—". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 100) return "< 0.1 s";
  if (ms < 10_000) return `${trimZero((ms / 1000).toFixed(1))} s`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 60) return `${totalS} s`;
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  if (h > 0) return m ? `${h} h ${m} min` : `${h} h`;
  return s ? `${m} min ${s} s` : `${m} min`;
}

function trimZero(n: string): string {
  return n.endsWith(".0") ? n.slice(0, -2) : n;
}
