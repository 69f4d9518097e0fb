import { type FieldError, FieldError as FieldErrorClass, forbidden, invalid, notSupported, required } from '../../errors/index.js';
import type { KubeObject } from '../types.js';
import { tooLongDetail } from './common.js';
import { dns1123Label, dns1123Subdomain } from '../../util/name-validation.js';
import type { Strategy } from './strategy.js';
import { Fields } from './typed-fields.js';
import { parseGoDuration } from '../../util/go-duration.js';
import { ERROR_CODES, FAULT_ACTIONS, FAULT_TARGETS, type FaultAction, type FaultTarget, MAX_DELAY_MS, TARGET_ACTIONS } from '../kinds/token-fault.js';

/**
 * TokenFault's validation, one rule per line of the kind's contract (registry/kinds/token-fault.ts), in
 * Kubernetes' field-error words so that kubectl prints them as it prints any 422:
 * - `spec.target` and `spec.action` required, each one of its values, the action one the target supports;
 * - `spec.match`: namespace a DNS-1123 label, serviceAccount a DNS-1123 subdomain, audiences
 *   1 to 100 non-empty strings, credentialId `JTI=<jti>`; nothing to match for jwks (its
 *   requests carry no token), no credentialId for issue (the credential does not exist yet);
 * - `spec.reason` only for reject and error, at most 1024 bytes;
 * - `spec.code` only for error: one of the codes with a Kubernetes reason (default 500);
 * - `spec.delay` required for delay and only there: a Go duration above 0, at most 1h0m0s;
 * - `spec.times` at least 1 and an int32;
 * - `status.matched` a non-negative integer.
 * Every field is type-checked too: objects given to the library skip the HTTP decoder.
 */

const MAX_REASON_BYTES = 1024;
const MAX_AUDIENCES = 100;
const MAX_INT32 = 2 ** 31 - 1;
const CREDENTIAL_ID = /^JTI=[^\s]+$/;

/** Milliseconds of a validated `spec.delay` (0 when absent or invalid: validation has said why). */
export function delayMs(delay: string | undefined): number {
  if (delay === undefined) return 0;
  try {
    const ns = parseGoDuration(delay);
    return ns > 0n ? Number(ns / 1_000_000n) : 0;
  } catch {
    return 0;
  }
}

/** Go's time.Duration.String() for whole seconds and more (`1h0m0s`, `2m30s`). */
function goDurationString(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${m}m${s % 60}s` : m > 0 ? `${m}m${s % 60}s` : `${s}s`;
}

function validateMatch(f: Fields, match: unknown, target: FaultTarget | undefined, errs: FieldError[]): void {
  const m = f.obj(match, 'spec.match');
  if (!m) return;
  if (target === 'jwks' && Object.values(m).some((v) => v !== undefined && v !== null)) {
    errs.push(forbidden('spec.match', 'may not be set when target is jwks: its requests carry no token'));
    return;
  }
  const namespace = f.str(m.namespace, 'spec.match.namespace');
  if (namespace !== undefined) for (const msg of dns1123Label(namespace)) errs.push(invalid('spec.match.namespace', namespace, msg));
  const sa = f.str(m.serviceAccount, 'spec.match.serviceAccount');
  if (sa !== undefined) for (const msg of dns1123Subdomain(sa)) errs.push(invalid('spec.match.serviceAccount', sa, msg));
  const audiences = f.strList(m.audiences, 'spec.match.audiences');
  if (audiences !== undefined) {
    if (audiences.length === 0) errs.push(required('spec.match.audiences', 'at least one audience, or omit the field to match any'));
    if (audiences.length > MAX_AUDIENCES) errs.push(new FieldErrorClass('FieldValueTooMany', 'spec.match.audiences', audiences.length, `${audiences.length}: must have at most ${MAX_AUDIENCES} items`));
    audiences.forEach((a, i) => {
      if (a === '') errs.push(required(`spec.match.audiences[${i}]`));
    });
  }
  const credentialId = f.str(m.credentialId, 'spec.match.credentialId');
  if (credentialId !== undefined) {
    if (target === 'issue') errs.push(forbidden('spec.match.credentialId', 'may not be set when target is issue: a TokenRequest has no credential yet'));
    else if (!CREDENTIAL_ID.test(credentialId)) errs.push(invalid('spec.match.credentialId', credentialId, "must be a token's credential id, JTI=<jti> (as authentication.kubernetes.io/credential-id holds it)"));
  }
}

/**
 * The field errors of a TokenFault (create and update alike).
 * @example
 * validateTokenFault({ metadata: { name: 'x' }, spec: { target: 'jwks', action: 'expire' } });
 * // [spec.action: Unsupported value: "expire": supported values: "reject", "error", "delay"]
 */
export function validateTokenFault(obj: KubeObject): FieldError[] {
  const f = new Fields();
  const errs: FieldError[] = [];
  const spec = f.obj(obj.spec, 'spec');
  if (!spec) return f.errs.length ? f.errs : [required('spec')];
  const targetValue = f.str(spec.target, 'spec.target');
  const actionValue = f.str(spec.action, 'spec.action');
  let target: FaultTarget | undefined;
  let action: FaultAction | undefined;
  if (!targetValue) {
    if (spec.target === undefined || spec.target === null || spec.target === '') errs.push(required('spec.target'));
  } else if ((FAULT_TARGETS as readonly string[]).includes(targetValue)) target = targetValue as FaultTarget;
  else errs.push(notSupported('spec.target', targetValue, [...FAULT_TARGETS]));
  if (!actionValue) {
    if (spec.action === undefined || spec.action === null || spec.action === '') errs.push(required('spec.action'));
  } else if (!(FAULT_ACTIONS as readonly string[]).includes(actionValue)) errs.push(notSupported('spec.action', actionValue, [...(target ? TARGET_ACTIONS[target] : FAULT_ACTIONS)]));
  else if (target && !TARGET_ACTIONS[target].includes(actionValue as FaultAction)) errs.push(notSupported('spec.action', actionValue, [...TARGET_ACTIONS[target]]));
  else action = actionValue as FaultAction;

  validateMatch(f, spec.match, target, errs);

  const reason = f.str(spec.reason, 'spec.reason');
  if (reason !== undefined && reason !== '') {
    if (action && action !== 'reject' && action !== 'error') errs.push(forbidden('spec.reason', 'may only be set when action is reject or error'));
    else if (Buffer.byteLength(reason) > MAX_REASON_BYTES) errs.push(new FieldErrorClass('FieldValueTooLong', 'spec.reason', '', tooLongDetail(MAX_REASON_BYTES)));
  }

  const code = f.int(spec.code, 'spec.code');
  if (code !== undefined) {
    if (action && action !== 'error') errs.push(forbidden('spec.code', 'may only be set when action is error'));
    else if (!(ERROR_CODES as readonly number[]).includes(code)) errs.push(notSupported('spec.code', code, ERROR_CODES.map(String)));
  }

  const delay = f.str(spec.delay, 'spec.delay');
  if (action === 'delay' && (delay === undefined || delay === '')) errs.push(required('spec.delay', 'a Go duration such as 2s or 1m30s'));
  if (delay !== undefined && delay !== '') {
    if (action && action !== 'delay') errs.push(forbidden('spec.delay', 'may only be set when action is delay'));
    else {
      let ns: bigint | undefined;
      try {
        ns = parseGoDuration(delay);
      } catch (e) {
        errs.push(invalid('spec.delay', delay, (e as Error).message));
      }
      if (ns !== undefined && ns <= 0n) errs.push(invalid('spec.delay', delay, 'must be greater than 0s'));
      else if (ns !== undefined && ns > BigInt(MAX_DELAY_MS) * 1_000_000n) errs.push(invalid('spec.delay', delay, `must be no more than ${goDurationString(MAX_DELAY_MS)}`));
    }
  }

  const times = f.int(spec.times, 'spec.times');
  if (times !== undefined) {
    if (times < 1) errs.push(invalid('spec.times', times, 'must be greater than or equal to 1'));
    else if (times > MAX_INT32) errs.push(invalid('spec.times', times, `must be less than or equal to ${MAX_INT32}`));
  }
  return [...f.errs, ...errs];
}

/** ValidateTokenFaultStatusUpdate: `status.matched` a non-negative integer. */
export function validateTokenFaultStatus(obj: KubeObject): FieldError[] {
  const f = new Fields();
  const status = f.obj(obj.status, 'status');
  const matched = status ? f.int(status.matched, 'status.matched') : undefined;
  if (matched !== undefined && matched < 0) return [invalid('status.matched', matched, 'must be greater than or equal to 0')];
  return f.errs;
}

/** The registry strategy of TokenFault: names, defaults (`code: 500` for error), validation. */
export const FAULT_STRATEGIES: Record<string, Strategy> = {
  TokenFault: {
    nameValidator: dns1123Subdomain,
    defaults(obj) {
      const spec = obj.spec as Record<string, unknown> | undefined;
      if (spec && typeof spec === 'object' && !Array.isArray(spec) && spec.action === 'error' && (spec.code === undefined || spec.code === null)) spec.code = 500;
    },
    validate: validateTokenFault,
    validateStatusUpdate: (next) => validateTokenFaultStatus(next),
  },
};
