export type { Clock, TimerHandle } from './clock.js';
export { unixSeconds, rfc3339 } from './clock.js';
export { RealClock } from './real-clock.js';
export { ManualClock } from './manual-clock.js';
export { SkewedClock, baseClock } from './skewed-clock.js';
