import { stsErrors } from './sts-error.js';

/** The parameters of AssumeRoleWithWebIdentity satoken reads (STS API reference). */
export interface AssumeRoleParams {
  roleArn: string;
  roleSessionName: string;
  webIdentityToken: string;
  durationSeconds: number | undefined;
}

const SESSION_NAME = /^[\w+=,.@-]*$/;
// RoleArn's pattern in the API reference: tab, line feed, carriage return and printable Unicode
const ARN_CHARS = /^[\t\n\r\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]+$/u;

/**
 * AssumeRoleWithWebIdentity's input constraints, checked as STS checks them and reported in its
 * words (`1 validation error detected: Value '<v>' at '<member>' failed to satisfy constraint:
 * Member must ...`, several joined with `; `):
 * - RoleArn: present, 20 to 2048 characters of the allowed set
 * - RoleSessionName: present, 2 to 64 characters of `[\w+=,.@-]`
 * - WebIdentityToken: present, 4 to 20000 characters (its value is never echoed)
 * - DurationSeconds: when given, an integer from 900 to 43200
 * @example
 * assumeRoleParams(new URLSearchParams('RoleArn=…&RoleSessionName=s&WebIdentityToken=…'));
 */
export function assumeRoleParams(q: URLSearchParams): AssumeRoleParams {
  const errs: string[] = [];
  const value = (v: string) => `'${v}'`;
  const member = (name: string, v: string | null, min: number, max: number, pattern?: { re: RegExp; text: string }, secret = false) => {
    if (v === null) return void errs.push(`Value null at '${name}' failed to satisfy constraint: Member must not be null`);
    const shown = secret ? 'Value' : `Value ${value(v)}`;
    const at = `${shown} at '${name}' failed to satisfy constraint: Member must`;
    const length = [...v].length;
    if (length < min) errs.push(`${at} have length greater than or equal to ${min}`);
    if (length > max) errs.push(`${at} have length less than or equal to ${max}`);
    if (pattern && !pattern.re.test(v)) errs.push(`${at} satisfy regular expression pattern: ${pattern.text}`);
  };
  const roleArn = q.get('RoleArn');
  const roleSessionName = q.get('RoleSessionName');
  const token = q.get('WebIdentityToken');
  member('roleArn', roleArn, 20, 2048, { re: ARN_CHARS, text: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+' });
  member('roleSessionName', roleSessionName, 2, 64, { re: SESSION_NAME, text: '[\\w+=,.@-]*' });
  member('webIdentityToken', token, 4, 20000, undefined, true);
  const rawDuration = q.get('DurationSeconds');
  let durationSeconds: number | undefined;
  if (rawDuration !== null) {
    if (!/^-?[0-9]{1,12}$/.test(rawDuration)) errs.push(`Value ${value(rawDuration)} at 'durationSeconds' failed to satisfy constraint: Member must be an integer`);
    else {
      durationSeconds = Number(rawDuration);
      if (durationSeconds < 900) errs.push(`Value ${value(rawDuration)} at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`);
      if (durationSeconds > 43200) errs.push(`Value ${value(rawDuration)} at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`);
    }
  }
  if (errs.length) throw stsErrors.validation(errs);
  return { roleArn: roleArn!, roleSessionName: roleSessionName!, webIdentityToken: token!, durationSeconds };
}
