import { createRequire } from 'node:module';
import type * as X509 from '@peculiar/x509';

const require = createRequire(import.meta.url);
let loaded: typeof X509 | undefined;

/**
 * @peculiar/x509 (and the reflect-metadata polyfill it needs), loaded on first use: its
 * import costs ~100 ms, and a start with existing certificates never needs it.
 */
export function x509(): typeof X509 {
  if (!loaded) {
    require('reflect-metadata');
    loaded = require('@peculiar/x509') as typeof X509;
  }
  return loaded;
}
