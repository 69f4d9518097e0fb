/**
 * Child process for the kill -9 test in sqlite-store.test.ts: opens the sqlite store in the data
 * directory given as the first argument and creates `/registry/configmaps/ns/cm<i>` for i = 1..N
 * (N the second argument), printing each key on its own line only after its write was
 * acknowledged. The parent kills it with SIGKILL part-way through.
 *
 * Run as: node --import tsx test/store/sqlite-writer-child.ts <dataDir> <N>
 */
import { SqliteStore } from '../../src/store/sqlite-store.js';

const [dataDir, count] = process.argv.slice(2);
if (!dataDir || !count) {
  process.stderr.write('usage: sqlite-writer-child.ts <dataDir> <N>\n');
  process.exit(2);
}
const store = SqliteStore.open(dataDir);
for (let i = 1; i <= Number(count); i++) {
  const key = `/registry/configmaps/ns/cm${i}`;
  await store.create(key, { metadata: { name: `cm${i}`, namespace: 'ns' }, data: { i: String(i), pad: 'x'.repeat(512) } });
  process.stdout.write(`${key}\n`);
}
await store.close();
process.stdout.write('done\n');
