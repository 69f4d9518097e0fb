/**
 * Assertions over recorded requests for test runners. Plain functions that throw (any runner
 * shows the message), and matchers for `expect.extend` (vitest and jest share the matcher
 * contract). A failed expectation prints the closest recorded requests: those meeting the most
 * criteria, newest first, with what did not match.
 */
import { renderTable } from './event-table.js';
import { type Criterion, type RequestFilter, compileFilter } from './request-filter.js';
import type { AuditEvent } from './types.js';

/** What holds recorded requests: the recorder (`emulator.requests`), an emulator, or a list of events. */
export type RequestSource = { list(filter?: RequestFilter): AuditEvent[] } | { requests: { list(filter?: RequestFilter): AuditEvent[] } } | readonly AuditEvent[];

const CLOSEST = 5;

/** An expectation about recorded requests that failed. */
export class RequestAssertionError extends Error {
  override readonly name = 'RequestAssertionError';
}

function eventsOf(source: RequestSource): AuditEvent[] {
  if (Array.isArray(source)) return [...(source as readonly AuditEvent[])];
  if ('requests' in (source as object)) return (source as { requests: { list(): AuditEvent[] } }).requests.list();
  if (typeof (source as { list?: unknown }).list === 'function') return (source as { list(): AuditEvent[] }).list();
  throw new TypeError('expected recorded requests: emulator.requests, an emulator, or an array of audit events');
}

function describeFilter(criteria: readonly Criterion[]): string {
  return criteria.length ? `{ ${criteria.map((c) => `${c.name}: ${JSON.stringify(c.value)}`).join(', ')} }` : '{}';
}

/** The recorded requests nearest to matching, with what each lacks. */
function closest(events: readonly AuditEvent[], criteria: readonly Criterion[]): string {
  const scored = events
    .map((ev, i) => ({ ev, i, missed: criteria.filter((c) => !c.test(ev)) }))
    .filter((s) => s.missed.length > 0)
    .sort((a, b) => a.missed.length - b.missed.length || b.i - a.i)
    .slice(0, CLOSEST);
  if (scored.length === 0) return '';
  const cells = scored.map((s) => s.missed.map((c) => `${c.name}: ${JSON.stringify(c.actual(s.ev))} not ${JSON.stringify(c.value)}`).join('; '));
  return `The closest:\n${indent(renderTable(scored.map((s) => s.ev), { header: 'MISMATCH', cells }))}`;
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** The message of a failed positive expectation, or undefined when it holds. */
function checkPresent(events: readonly AuditEvent[], filter: RequestFilter, times: number | undefined): { matched: AuditEvent[]; message?: string } {
  const criteria = compileFilter(filter);
  const matched = events.filter((ev) => criteria.every((c) => c.test(ev)));
  const ok = times === undefined ? matched.length > 0 : matched.length === times;
  if (ok) return { matched };
  const want = times === undefined ? 'a recorded request' : `${times} recorded request${times === 1 ? '' : 's'}`;
  const head = `expected ${want} matching ${describeFilter(criteria)}, found ${matched.length} among ${events.length} recorded`;
  const body = matched.length > 0 ? `The matching ones:\n${indent(renderTable(matched.slice(-CLOSEST * 2)))}` : closest(events, criteria);
  return { matched, message: body ? `${head}.\n${body}` : `${head}.` };
}

/**
 * Asserts that a request matching `filter` was recorded (exactly `times` of them, when given),
 * and returns the matching events. The error lists the closest recorded requests.
 * @example
 * expectRequest(emu.requests, { serviceAccount: 'default/app', verb: 'get', resource: 'pods', code: 200 });
 * // RequestAssertionError: expected a recorded request matching { serviceAccount: ..., verb: "get", ... }, found 0 among 4 recorded.
 * // The closest:
 * //   TIME   USER   CREDENTIAL   VERB   RESOURCE   NAMESPACE   NAME   CODE   MISMATCH
 * //   ...    system:serviceaccount:default:app   JTI=…   list   pods   default   ...   verb: "list" not "get"
 */
export function expectRequest(source: RequestSource, filter: RequestFilter, times?: number): AuditEvent[] {
  const { matched, message } = checkPresent(eventsOf(source), filter, times);
  if (message) throw new RequestAssertionError(message);
  return matched;
}

/**
 * Asserts that no recorded request matches `filter` ("nothing read a Secret").
 * @example
 * expectNoRequest(emu.requests, { resource: 'secrets', serviceAccount: 'default/app' });
 */
export function expectNoRequest(source: RequestSource, filter: RequestFilter): void {
  const criteria = compileFilter(filter);
  const events = eventsOf(source);
  const matched = events.filter((ev) => criteria.every((c) => c.test(ev)));
  if (matched.length === 0) return;
  throw new RequestAssertionError(`expected no recorded request matching ${describeFilter(criteria)}, found ${matched.length}:\n${indent(renderTable(matched.slice(-CLOSEST * 2)))}`);
}

/**
 * Matchers for `expect.extend` in vitest or jest:
 * `expect(emu.requests).toHaveRecordedRequest(filter, times?)`, negatable with `.not`.
 * @example
 * import { requestMatchers } from 'satoken';
 * expect.extend(requestMatchers);
 * expect(emu.requests).toHaveRecordedRequest({ jti, verb: 'get', resource: 'pods' });
 * expect(emu.requests).not.toHaveRecordedRequest({ resource: 'secrets' });
 */
export const requestMatchers = {
  toHaveRecordedRequest(received: RequestSource, filter: RequestFilter, times?: number): { pass: boolean; message: () => string } {
    const events = eventsOf(received);
    const { matched, message } = checkPresent(events, filter, times);
    if (message) return { pass: false, message: () => message };
    const criteria = compileFilter(filter);
    return {
      pass: true,
      message: () => `expected no recorded request matching ${describeFilter(criteria)}, found ${matched.length}:\n${indent(renderTable(matched.slice(-CLOSEST * 2)))}`,
    };
  },
};
