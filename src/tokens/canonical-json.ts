import { goJsonStringify } from '../util/go-json.js';
import { sortKeys } from '../util/sorted-keys.js';

/**
 * JSON as go-jose writes a JWT payload: a map, so keys sorted at every level, integers as
 * integers, and `<`, `>`, `&`, U+2028, U+2029 escaped as Go's encoding/json does.
 * Reference: pkg/serviceaccount/jwt.go (claims merged through maps) and go-jose's json fork.
 */
export function canonicalJson(value: unknown): string {
  return goJsonStringify(sortKeys(value));
}
