// npm run architecture: rewrites the "Imports" column of src/ARCHITECTURE.md's layer table from the
// imports src/ really has (test/helpers/folder-graph.ts). test/architecture.test.ts fails when they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { folderGraph, withLayers } from '../test/helpers/folder-graph.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const doc = join(root, 'src', 'ARCHITECTURE.md');
const before = readFileSync(doc, 'utf8');
const graph = await folderGraph(root);
const after = withLayers(before, graph);
if (after === before) process.stdout.write('src/ARCHITECTURE.md: the layer table is current\n');
else {
  writeFileSync(doc, after);
  process.stdout.write('src/ARCHITECTURE.md: rewrote the layer table\'s imports from src/\n');
}
