import { describe, expect, it } from 'vitest';
import { compare } from '../../src/cli/compare.js';
import { terminalProgress } from '../../src/cli/progress.js';

describe('satoken compare on a terminal', () => {
  it('shows each step as it runs, on one line, and clears it before the output', async () => {
    const writes: string[] = [];
    const { result } = await compare({ output: 'json' }, terminalProgress({ isTTY: true, write: (s: string) => writes.push(s) }, 'satoken compare'));
    const steps = writes.filter((w) => w.includes('step '));
    expect(steps.map((w) => w.replace('\r\u001b[2K', ''))).toEqual(result.steps.map((s, i) => `satoken compare: step ${i + 1}/8: ${s.step}...`));
    expect(writes.at(-1)).toBe('\r\u001b[2K');
  }, 30_000);
});
