import { ageSince } from '../human-duration.js';
import { AGE, NAME, type Printer, col, nameOf, rec, str, type TableColumnDefinition } from './columns.js';

/**
 * testing.satoken.dev/v1alpha1 rows. TokenFault is satoken's own kind, so its columns are its
 * own, written as a CRD's `additionalPrinterColumns` would be: what it acts on, what it does,
 * how many requests it changed (`MATCHED`), then Age; `-o wide` adds its limit and match.
 */

export const TESTING_COLUMNS: Record<string, TableColumnDefinition[]> = {
  TokenFault: [
    NAME,
    col('Target', 'string', 'What the fault acts on: review (TokenReview and bearer use), issue (TokenRequest) or jwks (the JWKS and discovery documents).'),
    col('Action', 'string', 'What the fault does: reject, error, delay or expire.'),
    col('Matched', 'integer', 'How many requests the fault has changed, on every replica together.'),
    AGE,
    col('Times', 'string', 'How many requests the fault changes before it stops; <none>: until it is deleted.', 1),
    col('Match', 'string', 'The requests the fault applies to; <none>: every request to its target.', 1),
  ],
};

/** `namespace=default,serviceAccount=build-robot,audiences=vault` (the given fields, in spec order). */
function matchCell(match: unknown): string {
  const m = rec(match);
  const parts: string[] = [];
  for (const k of ['namespace', 'serviceAccount', 'audiences', 'credentialId']) {
    const v = m[k];
    if (typeof v === 'string' && v) parts.push(`${k}=${v}`);
    else if (Array.isArray(v) && v.length) parts.push(`${k}=${v.join('+')}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

export const TESTING_PRINTERS: Record<string, Printer> = {
  TokenFault: (o, now) => {
    const spec = rec(o.spec);
    const matched = rec(o.status).matched;
    return [
      nameOf(o),
      str(spec.target),
      str(spec.action),
      typeof matched === 'number' && Number.isFinite(matched) ? matched : 0,
      ageSince(o.metadata.creationTimestamp, now),
      typeof spec.times === 'number' ? String(spec.times) : '<none>',
      matchCell(spec.match),
    ];
  },
};
