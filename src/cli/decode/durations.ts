/**
 * Durations as Go's time.Duration prints them: `47m12s`, `2h0m5s`, `8760h0m0s`.
 */
export function goDuration(totalSeconds: number): string {
  const s = Math.abs(Math.trunc(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}

/** "in 47m12s" for the future, "3m0s ago" for the past. */
export function relative(targetSeconds: number, nowSeconds: number): string {
  const delta = targetSeconds - nowSeconds;
  if (delta === 0) return 'now';
  return delta > 0 ? `in ${goDuration(delta)}` : `${goDuration(delta)} ago`;
}
