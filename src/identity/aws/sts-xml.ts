import { STS_NAMESPACE, type StsError } from './sts-error.js';

/** Escapes text for an XML element's content (`&`, `<`, `>`; quotes stay, as in STS's messages). */
export function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A nested element tree: a string is text content, an array is ordered child elements. */
export type XmlNode = string | Array<[string, XmlNode]>;

function render(name: string, node: XmlNode, indent: string): string {
  if (typeof node === 'string') return `${indent}<${name}>${xmlText(node)}</${name}>\n`;
  return `${indent}<${name}>\n${node.map(([n, child]) => render(n, child, `${indent}  `)).join('')}${indent}</${name}>\n`;
}

/**
 * A successful STS answer, laid out as STS lays it out: `<<Action>Response>` in STS's namespace
 * with `<<Action>Result>` and `ResponseMetadata/RequestId`, two-space indentation.
 * @example
 * stsResponse('GetCallerIdentity', [['Arn', arn], ['UserId', id], ['Account', account]], requestId);
 */
export function stsResponse(action: string, result: Array<[string, XmlNode]>, requestId: string): string {
  return `<${action}Response xmlns="${STS_NAMESPACE}">\n${render(`${action}Result`, result, '  ')}${render('ResponseMetadata', [['RequestId', requestId]], '  ')}</${action}Response>\n`;
}

/**
 * An STS error answer: `<ErrorResponse>` with `Error/Type`, `Error/Code`, `Error/Message` and
 * `RequestId`, as STS writes it.
 * @example
 * stsErrorResponse(stsErrors.incorrectAudience(), requestId);
 */
export function stsErrorResponse(e: StsError, requestId: string): string {
  return `<ErrorResponse xmlns="${STS_NAMESPACE}">\n${render('Error', [['Type', e.type], ['Code', e.code], ['Message', e.message]], '  ')}  <RequestId>${xmlText(requestId)}</RequestId>\n</ErrorResponse>\n`;
}
