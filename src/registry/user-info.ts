import { compareGoStrings } from '../util/go-strings.js';

/**
 * A UserInfo's `extra` in key order, as Go's encoding/json writes a map (by bytes), for every
 * place that puts a user on the wire (TokenReview status, SubjectAccessReview spec,
 * SelfSubjectReview). A frozen extra already in order (a cached review's) is returned as it is;
 * anything else is copied, so that an answer never aliases an authenticator's own objects.
 * @example
 * Object.keys(sortedExtra({ zeta: ['1'], alpha: ['2'], Mid: ['3'] })); // ['Mid', 'alpha', 'zeta']
 * sortedExtra(undefined); // {}
 */
export function sortedExtra(extra: Readonly<Record<string, string[]>> | undefined): Record<string, string[]> {
  if (!extra) return {};
  if (KNOWN_SORTED.has(extra)) return extra as Record<string, string[]>;
  const keys = Object.keys(extra);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = compareGoStrings(keys[i - 1]!, keys[i]!) < 0;
  if (sorted && Object.isFrozen(extra)) return extra as Record<string, string[]>;
  const out: Record<string, string[]> = {};
  for (const k of sorted ? keys : keys.sort(compareGoStrings)) out[k] = extra[k]!;
  return out;
}

/** Frozen extras whose keys are known to be in Go's order (made by {@link sortedFrozen}). */
const KNOWN_SORTED = new WeakSet<object>();

/**
 * Freezes an extra its maker built in key order, and remembers that, so {@link sortedExtra}
 * answers it without comparing keys (the review cache's answers; in order by construction).
 * The caller vouches for the order; it is checked once here.
 */
export function sortedFrozen(extra: Record<string, string[]>): Readonly<Record<string, string[]>> {
  const keys = Object.keys(extra);
  for (let i = 1; i < keys.length; i++) if (compareGoStrings(keys[i - 1]!, keys[i]!) >= 0) throw new Error(`extra keys out of order: ${keys[i - 1]} before ${keys[i]}`);
  Object.freeze(extra);
  KNOWN_SORTED.add(extra);
  return extra;
}
