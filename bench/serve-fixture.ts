/**
 * For reproducing the HTTP figures with public tools (bench/README.md): starts `satoken serve
 * --http` (from dist/) with the bench objects, the express JSON POST baseline and the plain
 * node:http baseline, prints the URLs and the environment the wrk scripts in bench/wrk/ read,
 * and keeps running until Ctrl-C (or `--seconds N`).
 *
 * Run as: node --import tsx bench/serve-fixture.ts [--log-level info] [--seconds 600]
 */
import { EXPRESS_JSON_SERVER, PLAIN_HTTP_SERVER, removeDir, startInline, startSatoken } from './lib/processes.js';
import { prepare, REVIEW_PATH, TOKEN_PATH } from './lib/satoken-requests.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] ?? dflt : dflt);
const satoken = await startSatoken(['--http', '--log-level', opt('--log-level', 'warn')]);
const express = await startInline(EXPRESS_JSON_SERVER);
const plain = await startInline(PLAIN_HTTP_SERVER);
const token = await prepare(satoken);
process.stdout.write(
  [
    `export ADMIN_TOKEN='${satoken.adminToken}'`,
    `export TOKEN='${token}'`,
    `# satoken pid ${satoken.pid}, express pid ${express.pid}, node:http pid ${plain.pid}`,
    `wrk -t1 -c32 -d10s --latency -s bench/wrk/tokenrequest.lua ${satoken.url}${TOKEN_PATH}`,
    `wrk -t1 -c32 -d10s --latency -s bench/wrk/tokenreview.lua ${satoken.url}${REVIEW_PATH}`,
    `wrk -t1 -c32 -d10s --latency -s bench/wrk/echo.lua ${express.url}/echo`,
    `wrk -t1 -c32 -d10s --latency -s bench/wrk/echo.lua ${plain.url}/echo`,
    '',
  ].join('\n'),
);
const stop = async () => {
  await Promise.all([satoken.stop(), express.stop(), plain.stop()]);
  removeDir(satoken.dir);
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
setTimeout(() => void stop(), Number(opt('--seconds', '3600')) * 1000);
