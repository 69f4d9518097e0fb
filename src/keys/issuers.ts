import { aggregateMessage, goQuote } from '../util/go-format.js';
import { GoUrlError, parseGoUrl } from './go-url.js';

/**
 * The errors kube-apiserver reports for the repeatable `--service-account-issuer` flag
 * (`BuiltInAuthenticationOptions.Validate`, pkg/kubeapiserver/options/authentication.go), in its order.
 * For each value:
 * - containing `:` but not a URL Go can parse →
 *   `service-account-issuer "<x>" contained a ':' but was not a valid URL: <Go's parse error>`;
 * - empty → `service-account-issuer should not be an empty string`;
 * - seen before → `service-account-issuer "<x>" is already specified`.
 * Then, when there is no value at all → `service-account-issuer is a required flag`.
 * The first value is the `iss` of new tokens; all are accepted when validating.
 * @example
 * issuerErrors(['https://a', 'https://a']); // ['service-account-issuer "https://a" is already specified']
 */
export function issuerErrors(issuers: readonly string[]): string[] {
  const errs: string[] = [];
  const seen = new Set<string>();
  for (const issuer of issuers) {
    if (issuer.includes(':')) {
      try {
        parseGoUrl(issuer);
      } catch (e) {
        if (!(e instanceof GoUrlError)) throw e;
        errs.push(`service-account-issuer ${goQuote(issuer)} contained a ':' but was not a valid URL: ${e.message}`);
        continue;
      }
    }
    if (issuer === '') {
      errs.push('service-account-issuer should not be an empty string');
      continue;
    }
    if (seen.has(issuer)) {
      errs.push(`service-account-issuer ${goQuote(issuer)} is already specified`);
      continue;
    }
    seen.add(issuer);
  }
  if (issuers.length === 0) errs.push('service-account-issuer is a required flag');
  return errs;
}

/**
 * Validates the issuers and returns them (a copy), or throws one `Error` whose message is the
 * errors joined as apimachinery's aggregate prints them: the message alone when there is one,
 * `[first, second]` when several (repeated messages once).
 * @example
 * validateIssuers(['']); // throws Error('service-account-issuer should not be an empty string')
 */
export function validateIssuers(issuers: readonly string[]): string[] {
  const errs = issuerErrors(issuers);
  if (errs.length > 0) throw new Error(aggregateMessage(errs));
  return [...issuers];
}

