// npm run readme: rewrites README.md's "served resources" list from src/registry/kinds.ts.
// test/readme.test.ts fails when the two differ, so a kind added there is listed here.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withServedResources } from '../src/cli/served-resources.js';

const readme = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
const before = readFileSync(readme, 'utf8');
const after = withServedResources(before);
if (after === before) {
  process.stdout.write('README.md: the served resources list is current\n');
} else {
  writeFileSync(readme, after);
  process.stdout.write('README.md: rewrote the served resources list from src/registry/kinds.ts\n');
}
