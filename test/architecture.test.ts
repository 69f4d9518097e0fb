import madge from 'madge';
import { describe, expect, it } from 'vitest';

describe('the shape of src/', () => {
  it('has no import cycle among its files, type-only imports included (npx madge --circular --extensions ts src)', async () => {
    const graph = await madge('src', { fileExtensions: ['ts'], tsConfig: 'tsconfig.json', detectiveOptions: { ts: { skipTypeImports: false } } });
    expect(graph.circular()).toEqual([]);
  }, 120_000);
});
