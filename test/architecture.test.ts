import { readFileSync } from 'node:fs';
import madge from 'madge';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FolderGraph, folderGraph, layerRows } from './helpers/folder-graph.js';

let graph: FolderGraph;
beforeAll(async () => {
  graph = await folderGraph(process.cwd());
}, 120_000);

describe('the shape of src/', () => {
  it('has no import cycle among its files, type-only imports included (npx madge --circular --extensions ts src)', async () => {
    const files = await madge('src', { fileExtensions: ['ts'], tsConfig: 'tsconfig.json', detectiveOptions: { ts: { skipTypeImports: false } } });
    expect(files.circular()).toEqual([]);
  }, 120_000);

  describe('src/ARCHITECTURE.md', () => {
    const rows = layerRows(readFileSync('src/ARCHITECTURE.md', 'utf8'));

    it('lists every folder and top-level file of src/ once, each with its job', () => {
      expect(rows.map((r) => r.unit).sort()).toEqual([...graph.edges.keys()].sort());
      expect(rows.filter((r) => !r.job).map((r) => r.unit)).toEqual([]);
    });

    it("says what each unit imports, as the code does (npm run architecture rewrites the column)", () => {
      const stated = Object.fromEntries(rows.map((r) => [r.unit, [...r.imports].sort()]));
      const actual = Object.fromEntries([...graph.edges].map(([u, deps]) => [u, [...deps].sort()]));
      expect(stated).toEqual(actual);
    });

    it('orders the units in layers: each imports only units listed above it', () => {
      const above = new Set<string>();
      const upward: string[] = [];
      for (const r of rows) {
        for (const dep of graph.edges.get(r.unit) ?? []) if (!above.has(dep)) upward.push(`${r.unit} -> ${dep}`);
        above.add(r.unit);
      }
      expect(upward).toEqual([]);
    });
  });
});
