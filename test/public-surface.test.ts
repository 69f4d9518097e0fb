import { describe, expect, it } from 'vitest';
import { reachableClasses } from './helpers/public-surface.js';

describe('the library\'s public surface (src/index.ts)', () => {
  it('exposes only its documented classes: no internal class is reachable through an export\'s members, parameters or results', () => {
    expect(reachableClasses()).toEqual([
      'clock/manual-clock.ts:ManualClock',
      'clock/real-clock.ts:RealClock',
      'emulator.ts:Emulator',
      'errors/status-error.ts:StatusError',
      'keys/key-set.ts:KeySet',
      'store/memory-store.ts:MemoryStore',
    ]);
  }, 60_000);
});
