import { describe, expect, it } from 'vitest';
import { ageSince, humanDuration } from '../../../src/api/discovery/index.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration (apimachinery util/duration HumanDuration)', () => {
  it.each([
    ['more than a second in the future', -2 * S, '<invalid>'],
    ['a second in the future (clock skew)', -1500, '0s'],
    ['under a second in the future', -500, '0s'],
    ['zero', 0, '0s'],
    ['one second', S, '1s'],
    ['59.9 seconds, truncated', 59_900, '59s'],
    ['70 seconds, still in seconds', 70 * S, '70s'],
    ['119 seconds, the last in seconds', 119 * S, '119s'],
    ['two minutes exactly', 2 * M, '2m'],
    ['190 seconds', 190 * S, '3m10s'],
    ['5 minutes 12 seconds', 5 * M + 12 * S, '5m12s'],
    ['9 minutes 59 seconds', 9 * M + 59 * S, '9m59s'],
    ['10 minutes 30 seconds, seconds dropped', 10 * M + 30 * S, '10m'],
    ['70 minutes', 70 * M, '70m'],
    ['179 minutes', 179 * M, '179m'],
    ['three hours exactly', 3 * H, '3h'],
    ['7 hours 59 minutes', 7 * H + 59 * M, '7h59m'],
    ['8 hours 30 minutes, minutes dropped', 8 * H + 30 * M, '8h'],
    ['47 hours', 47 * H, '47h'],
    ['49 hours', 49 * H, '2d1h'],
    ['7 days 23 hours', 7 * D + 23 * H, '7d23h'],
    ['8 days 2 hours, hours dropped', 8 * D + 2 * H, '8d'],
    ['367 days', 367 * D, '367d'],
    ['two years and 25 hours', 2 * 365 * D + 25 * H, '2y1d'],
    ['three years exactly', 3 * 365 * D, '3y'],
    ['eight years and two hours', 8 * 365 * D + 2 * H, '8y'],
  ])('renders %s as %s', (_name, ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });

  it.each([
    ['a timestamp 5m12s back', '2024-06-06T10:00:00Z', Date.parse('2024-06-06T10:05:12Z'), '5m12s'],
    ['a missing timestamp', undefined, 0, '<unknown>'],
    ['a null timestamp', null, 0, '<unknown>'],
    ['an unparseable timestamp', 'yesterday-ish', 0, '<unknown>'],
    ['a timestamp an hour ahead', '2024-06-06T11:00:00Z', Date.parse('2024-06-06T10:00:00Z'), '<invalid>'],
  ])('ages %s', (_name, ts, now, expected) => {
    expect(ageSince(ts, now)).toBe(expected);
  });
});
