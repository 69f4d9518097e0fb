import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RealClock } from '../clock/index.js';
import { CA_CERT_FILE, SERVING_CERT_FILE, SIGNING_KEY_FILE } from '../keys/index.js';
import { type ProgressStream, terminalProgress } from './progress.js';

/**
 * On a first start, `serve` generates its keys (a signing key, the cluster CA and a serving
 * certificate: a few seconds on a busy machine). On a terminal this says so while it happens and
 * leaves one line naming what was made and where; later starts, which reuse the files, and runs
 * off a terminal print nothing.
 * @example
 * const generating = keyGenerationProgress({ keysDir: '/repo/keys', shown: 'keys', algorithm: 'RS256', signingKeyFromFiles: false });
 * await ensureSigningKey(...); await ensureServingCertificates(...);
 * generating.done(); // satoken serve: first start: made the signing key (RS256), the cluster CA and the serving certificate in keys/ (2.1s)
 */
export function keyGenerationProgress(o: { keysDir: string; shown: string; algorithm: string; signingKeyFromFiles: boolean }, stream: ProgressStream = process.stderr): { done(): void } {
  const missing = [
    ...(!o.signingKeyFromFiles && !existsSync(join(o.keysDir, SIGNING_KEY_FILE)) ? [`the signing key (${o.algorithm})`] : []),
    ...(!existsSync(join(o.keysDir, CA_CERT_FILE)) ? ['the cluster CA'] : []),
    ...(!existsSync(join(o.keysDir, SERVING_CERT_FILE)) ? ['the serving certificate'] : []),
  ];
  if (missing.length === 0 || !stream.isTTY) return { done: () => undefined };
  const what = missing.length === 1 ? missing[0]! : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)!}`;
  const dir = o.shown.endsWith('/') ? o.shown : `${o.shown}/`;
  const clock = new RealClock();
  const started = clock.now();
  const progress = terminalProgress(stream, 'satoken serve');
  progress.step(`first start: generating ${what} in ${dir}`);
  return { done: () => progress.done(`first start: made ${what} in ${dir} (${((clock.now() - started) / 1000).toFixed(1)}s); later starts reuse them`) };
}
