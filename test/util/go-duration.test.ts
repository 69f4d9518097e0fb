import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../../src/util/go-duration.js';

describe("parseGoDuration: Go's time.ParseDuration", () => {
  it.each([
    ['0', 0n],
    ['-0', 0n],
    ['600s', 600_000_000_000n],
    ['1h30m', 5_400_000_000_000n],
    ['1.5h', 5_400_000_000_000n],
    ['.5s', 500_000_000n],
    ['-2m', -120_000_000_000n],
    ['+10ms', 10_000_000n],
    ['10µs', 10_000n],
    ['10μs', 10_000n],
    ['10us', 10_000n],
    ['1h1m1s1ms1us1ns', 3_661_001_001_001n],
  ])('%s is %d ns', (v, ns) => {
    expect(parseGoDuration(v)).toBe(ns);
  });

  it.each([
    ['', 'time: invalid duration ""'],
    ['-', 'time: invalid duration "-"'],
    ['a year', 'time: invalid duration "a year"'],
    ['.s', 'time: invalid duration ".s"'],
    ['3000000h', 'time: invalid duration "3000000h"'],
    ['5', 'time: missing unit in duration "5"'],
    ['1h5', 'time: missing unit in duration "1h5"'],
    ['5 minutes', 'time: unknown unit " minutes" in duration "5 minutes"'],
    ['1x', 'time: unknown unit "x" in duration "1x"'],
    ['1e3s', 'time: unknown unit "e" in duration "1e3s"'],
    ['1"s', 'time: unknown unit "\\"s" in duration "1\\"s"'],
    ['1ä', 'time: unknown unit "\\xc3\\xa4" in duration "1\\xc3\\xa4"'],
  ])('%j: %s', (v, message) => {
    expect(() => parseGoDuration(v)).toThrow(message);
  });
});
