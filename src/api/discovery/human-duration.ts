/**
 * apimachinery `pkg/util/duration` HumanDuration: ~2–3 significant figures, the AGE column of
 * every `kubectl get`. Rules, on whole units truncated toward zero:
 * - below −1 s: `<invalid>`; −1 s (clock skew): `0s`
 * - under 2 minutes: seconds (`0s`, `119s`)
 * - under 10 minutes: minutes and seconds (`5m12s`, `3m`); under 3 hours: minutes (`179m`)
 * - under 8 hours: hours and minutes (`7h59m`, `3h`); under 2 days: hours (`47h`)
 * - under 8 days: days and hours (`7d23h`, `2d`); under 2 years: days (`729d`)
 * - under 8 years: years and days (`7y364d`, `2y`); beyond: years (`8y`)
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Formats a duration given in milliseconds.
 * @example
 * humanDuration(312_000); // '5m12s'
 * humanDuration(90_000); // '90s'
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) return withRest(minutes, 'm', seconds % 60, 's');
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) return withRest(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return withRest(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return withRest(years, 'y', days % 365, 'd');
  return `${years}y`;
}

/**
 * printers.go `translateTimestampSince`: the age of an RFC 3339 timestamp at `now` (ms), or
 * `<unknown>` when the timestamp is missing.
 * @example
 * ageSince('2024-06-06T10:00:00Z', Date.parse('2024-06-06T10:05:12Z')); // '5m12s'
 */
export function ageSince(timestamp: string | null | undefined, now: number): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now - t);
}

function withRest(n: number, unit: string, rest: number, restUnit: string): string {
  return rest === 0 ? `${n}${unit}` : `${n}${unit}${rest}${restUnit}`;
}
