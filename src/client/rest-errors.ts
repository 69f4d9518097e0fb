import type { IncomingHttpHeaders } from 'node:http';
import { goQuote } from '../util/go-format.js';
import { decodeDocument, goTypes, goUnmarshal, interpretKind, withDefaults, type GoJson } from '../util/go-json.js';

/** An HTTP answer as the transport read it (the body already un-gzipped). */
export interface RestResponse {
  code: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The parts of an API error (`*errors.StatusError`) the retry policy looks at. */
export interface RestErrorStatus {
  reason: string;
  code: number;
  details?: { retryAfterSeconds: number };
}

/**
 * A failed REST call: the message Go would print, plus what the generic webhook's retry policy
 * looks at (the Status reason and code of an API error, a reset connection).
 * @example
 * throw new RestError('the server could not find the requested resource', { reason: 'NotFound', code: 404 });
 */
export class RestError extends Error {
  override readonly name = 'RestError';
  constructor(
    message: string,
    readonly status?: RestErrorStatus,
    readonly connectionReset = false,
  ) {
    super(message);
  }
}

/** client-go's cap on how much of an unstructured error body goes into the message. */
const MAX_ERROR_BODY_BYTES = 2048;

/** The reasons apimachinery knows; an unknown one lets the status code decide (`errors.ReasonForError` users). */
export const KNOWN_STATUS_REASONS: ReadonlySet<string> = new Set(['Unauthorized', 'Forbidden', 'NotFound', 'AlreadyExists', 'Conflict', 'Gone', 'Invalid', 'ServerTimeout', 'StoreReadError', 'Timeout', 'TooManyRequests', 'BadRequest', 'MethodNotAllowed', 'NotAcceptable', 'RequestEntityTooLarge', 'UnsupportedMediaType', 'InternalError', 'Expired', 'ServiceUnavailable']);

const { string } = goTypes;

/** `metav1.Status` as a Go type, so that a malformed one fails to decode as Go's would. */
const STATUS_TYPE = goTypes.struct('v1.Status', {
  apiVersion: string,
  kind: string,
  metadata: goTypes.any,
  status: string,
  message: string,
  reason: { kind: 'string', name: 'v1.StatusReason' },
  details: goTypes.struct(
    'v1.StatusDetails',
    {
      name: string,
      group: string,
      kind: string,
      uid: { kind: 'string', name: 'types.UID' },
      causes: goTypes.slice(goTypes.struct('v1.StatusCause', { reason: { kind: 'string', name: 'v1.CauseType' }, message: string, field: string })),
      retryAfterSeconds: goTypes.int32,
    },
    { pointer: true },
  ),
  code: goTypes.int32,
});

/**
 * A document decoded into `metav1.Status` as Go's decoder does it; throws Go's error when a
 * field has the wrong type.
 * @example
 * unmarshalStatus(decodeDocument('{"kind":"Status","status":"Failure","message":"x"}'))?.message; // 'x'
 */
export function unmarshalStatus(doc: GoJson): Record<string, unknown> | undefined {
  return goUnmarshal(doc, STATUS_TYPE);
}

/** The body as a metav1.Status (its apiVersion defaulting to v1), or undefined when it is not one or does not decode. */
function bodyStatus(text: string): Record<string, unknown> | undefined {
  try {
    const doc = decodeDocument(text);
    const gvk = withDefaults(interpretKind(doc), { group: '', version: 'v1', kind: '' });
    if (gvk.kind !== 'Status' || !gvk.version) return undefined;
    return unmarshalStatus(doc);
  } catch {
    return undefined;
  }
}

/**
 * Go's `strconv.Atoi` of a Retry-After header, or undefined.
 * @example
 * retryAfterSeconds('2'); // 2
 * retryAfterSeconds('Wed, 21 Oct 2015 07:28:00 GMT'); // undefined
 */
export function retryAfterSeconds(h: string | string[] | undefined): number | undefined {
  const v = Array.isArray(h) ? h[0] : h;
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `mime.ParseMediaType`'s media type, lower-cased, or undefined when it does not parse. */
function mediaType(contentType: string): string | undefined {
  const m = /^\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+\/[!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*(;.*)?$/.exec(contentType);
  return m ? m[1]!.toLowerCase() : undefined;
}

/**
 * `apierrors.NewGenericServerResponse` for a POST that names no resource: the message and reason
 * by status code (staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go).
 * @example
 * genericServerResponse(500, 'boom', 0).message; // 'an error on the server ("boom") has prevented the request from succeeding'
 */
export function genericServerResponse(code: number, serverMessage: string, retryAfter: number): RestError {
  let reason = '';
  let message = `the server responded with the status code ${code} but did not return more information`;
  switch (code) {
    case 409:
      reason = 'AlreadyExists';
      message = 'the server reported a conflict';
      break;
    case 404:
      reason = 'NotFound';
      message = 'the server could not find the requested resource';
      break;
    case 400:
      reason = 'BadRequest';
      message = 'the server rejected our request for an unknown reason';
      break;
    case 401:
      reason = 'Unauthorized';
      message = 'the server has asked for the client to provide credentials';
      break;
    case 403:
      reason = 'Forbidden';
      message = serverMessage;
      break;
    case 406:
      reason = 'NotAcceptable';
      message = serverMessage === '' || serverMessage === 'unknown' ? 'the server was unable to respond with a content type that the client supports' : serverMessage;
      break;
    case 415:
      reason = 'UnsupportedMediaType';
      message = serverMessage;
      break;
    case 405:
      reason = 'MethodNotAllowed';
      message = 'the server does not allow this method on the requested resource';
      break;
    case 422:
      reason = 'Invalid';
      message = 'the server rejected our request due to an error in our request';
      break;
    case 503:
      reason = 'ServiceUnavailable';
      message = 'the server is currently unable to handle the request';
      break;
    case 504:
      reason = 'Timeout';
      message = 'the server was unable to return a response in the time allotted, but may still be processing the request';
      break;
    case 429:
      reason = 'TooManyRequests';
      message = 'the server has received too many requests and has asked us to try again later';
      break;
    default:
      if (code >= 500) {
        reason = 'InternalError';
        message = `an error on the server (${goQuote(serverMessage)}) has prevented the request from succeeding`;
      }
  }
  return new RestError(message, { reason, code, details: { retryAfterSeconds: retryAfter } });
}

/**
 * client-go's `transformResponse` and `Result.Into`'s first check (staging/src/k8s.io/client-go/rest/request.go):
 * - a status outside 200–206 fails: with the message of a failure `Status` in the body, else
 *   with the generic text for the code (a text body, up to 2048 bytes, quoted in a 5xx's);
 * - an empty success body fails (`0-length response ...`);
 * - otherwise the body is returned as text, for the caller to decode into its type.
 * @example
 * const text = successBody(await transport.post(body));
 */
export function successBody(res: RestResponse): string {
  const header = res.headers['content-type'];
  const text = res.body.toString('utf8');
  if (res.code < 200 || res.code > 206) {
    const isText = !header || (mediaType(header)?.startsWith('text/') ?? false);
    const message = isText ? res.body.subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8').trim() : 'unknown';
    const generic = genericServerResponse(res.code, message, retryAfterSeconds(res.headers['retry-after']) ?? 0);
    const status = text.length > 0 ? bodyStatus(text) : undefined;
    if (status?.status !== 'Failure') throw generic;
    const details = status.details as { retryAfterSeconds?: number } | undefined;
    throw new RestError(typeof status.message === 'string' ? status.message : '', {
      reason: typeof status.reason === 'string' ? status.reason : '',
      code: typeof status.code === 'number' ? status.code : 0,
      ...(details ? { details: { retryAfterSeconds: details.retryAfterSeconds ?? 0 } } : {}),
    });
  }
  if (res.body.length === 0) throw new RestError(`0-length response with status code: ${res.code} and content type: ${header || 'application/json'}`);
  return text;
}
