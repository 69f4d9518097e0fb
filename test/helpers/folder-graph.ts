import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import madge from 'madge';

/**
 * src/ seen one level up: each folder of src/ (and each file at its top, without `.ts`) is a
 * unit, and unit A imports unit B when any file of A imports any file of B, type-only imports
 * included. src/ARCHITECTURE.md's layer table is checked against it (test/architecture.test.ts)
 * and rewritten from it (`npm run architecture`).
 */
export interface FolderGraph {
  /** each unit and the units it imports */
  edges: ReadonlyMap<string, ReadonlySet<string>>;
  /** the units that are folders (the others are files at the top of src/) */
  dirs: ReadonlySet<string>;
}

const unitOf = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : file.replace(/\.ts$/, ''));


export async function folderGraph(root: string): Promise<FolderGraph> {
  const src = join(root, 'src');
  const graph = await madge(src, { fileExtensions: ['ts'], tsConfig: join(root, 'tsconfig.json'), detectiveOptions: { ts: { skipTypeImports: false } } });
  const entries = readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory() || e.name.endsWith('.ts'));
  const edges = new Map<string, Set<string>>(entries.map((e) => [unitOf(e.name), new Set<string>()]));
  for (const [file, deps] of Object.entries(graph.obj())) {
    const from = unitOf(file);
    for (const dep of deps) {
      const to = unitOf(dep);
      if (to !== from) edges.get(from)!.add(to);
    }
  }
  return { edges, dirs: new Set(entries.filter((e) => e.isDirectory()).map((e) => e.name)) };
}

/** One row of the layer table: `| unit | its job | what it imports |`. */
export interface LayerRow {
  unit: string;
  job: string;
  imports: string[];
}

const START = '<!-- layers:start (npm run architecture rewrites the third column) -->';
const END = '<!-- layers:end -->';
const HEADER = '| Layer (bottom first) | Its job | Imports |\n|---|---|---|';

const cell = (s: string) => s.trim();
const unitName = (s: string) => cell(s).replace(/^`|`$/g, '').replace(/\/$/, '');

/** The rows of the table between the markers, in the document's order. */
export function layerRows(doc: string): LayerRow[] {
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error('src/ARCHITECTURE.md: the layer table markers are missing');
  return doc
    .slice(a + START.length, b)
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Layer') && !l.startsWith('|---'))
    .map((l) => {
      // no `|` inside a cell: the job is prose without one
      const [unit = '', job = '', imports = ''] = l.split('|').slice(1, -1);
      return { unit: unitName(unit).replace(/\.ts$/, ''), job: cell(job), imports: cell(imports) ? cell(imports).split(',').map((u) => unitName(u).replace(/\.ts$/, '')) : [] };
    });
}

const render = (u: string, isDir: boolean) => `\`${u}${isDir ? '/' : '.ts'}\``;

/**
 * The document with the table's third column set from `graph`; a unit the table lacks is added
 * at the end with an empty job (the test asks for one), a unit gone from src/ is dropped.
 */
export function withLayers(doc: string, { edges, dirs }: FolderGraph): string {
  const rows = layerRows(doc).filter((r) => edges.has(r.unit));
  for (const unit of edges.keys()) if (!rows.some((r) => r.unit === unit)) rows.push({ unit, job: '', imports: [] });
  const lines = rows.map((r) => `| ${render(r.unit, dirs.has(r.unit))} | ${r.job} | ${[...edges.get(r.unit)!].sort().map((u) => render(u, dirs.has(u))).join(', ')} |`);
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  return `${doc.slice(0, a)}${START}\n${HEADER}\n${lines.join('\n')}\n${doc.slice(b)}`;
}
