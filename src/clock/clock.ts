/**
 * The one source of time in satoken. Nothing else reads `Date.now()` or calls the global timers:
 * every time decision goes through a `Clock`, so tests can run on a {@link ManualClock}.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds of this clock's time. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Runs `fn` every `ms` milliseconds until cleared. */
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
}

/** Whole seconds since the epoch, truncated, as JWT NumericDates are. */
export function unixSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}

/** The last few seconds formatted (a TokenRequest formats two: now, and its expiry). */
const FORMATTED_SECONDS = new Map<number, string>();

/** RFC 3339 at second precision, as metav1.Time serialises (`2024-06-06T10:15:42Z`). */
export function rfc3339(ms: number): string {
  const s = Math.floor(ms / 1000);
  let text = FORMATTED_SECONDS.get(s);
  if (text === undefined) {
    text = new Date(s * 1000).toISOString().replace('.000Z', 'Z');
    if (FORMATTED_SECONDS.size >= 16) FORMATTED_SECONDS.clear();
    FORMATTED_SECONDS.set(s, text);
  }
  return text;
}
