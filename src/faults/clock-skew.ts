import { type Clock, SkewedClock } from '../clock/index.js';
import { SatokenTypeError } from '../errors/index.js';
import { parseGoDuration } from '../util/go-duration.js';

/** The largest skew accepted: a day either way (a clock further off is a broken machine, not skew). */
const MAX_SKEW_MS = 24 * 3_600_000;

/**
 * A clock skew as the library (`clockSkew: -30_000` or `'-30s'`) and `serve --clock-skew=-30s`
 * give it: milliseconds, or a Go duration; at most a day either way.
 * @example
 * parseClockSkew('-1m30s'); // -90000
 */
export function parseClockSkew(v: number | string): number {
  let ms: number;
  if (typeof v === 'number') ms = v;
  else if (typeof v === 'string') {
    try {
      ms = Number(parseGoDuration(v) / 1_000_000n);
    } catch (e) {
      throw new SatokenTypeError('ERR_INVALID_OPTION', `clockSkew: ${(e as Error).message}`);
    }
  } else throw new SatokenTypeError('ERR_INVALID_OPTION', `clockSkew must be milliseconds or a Go duration such as "-30s", got ${typeof v}`);
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_SKEW_MS) throw new SatokenTypeError('ERR_INVALID_OPTION', `clockSkew must be within 24h0m0s either way, got ${String(v)}`);
  return Math.trunc(ms);
}

/**
 * `clock` shifted by `skew` (unchanged for none or 0).
 * @example
 * const clock = skewed(new RealClock(), '-30s');
 */
export function skewed(clock: Clock, skew: number | string | undefined): Clock {
  if (skew === undefined) return clock;
  const ms = parseClockSkew(skew);
  return ms === 0 ? clock : new SkewedClock(clock, ms);
}
