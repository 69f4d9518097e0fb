/**
 * Reading an `--audit-policy-file` as kube-apiserver does (staging/src/k8s.io/apiserver/pkg/audit/policy/reader.go,
 * pkg/server/options/audit.go), with its messages:
 * - the universal decoder: JSON when the text starts with `{`, else YAML (only the first
 *   document, as sigs.k8s.io/yaml reads it); `apiVersion`/`kind` defaulted from the internal
 *   type, so a file without them fails with `unknown group version field`;
 * - only `audit.k8s.io/v1` `Policy` is registered (v1alpha1 and v1beta1 went in 1.24);
 * - `ValidatePolicy`, then `loaded illegal policy with 0 rules`;
 * - every error wrapped as `loading audit policy file: <err>: from file <path>`.
 * Beyond Kubernetes: a file over 1 MiB is refused before it is parsed, and members the
 * decoder ignores (a misspelled `userGroup`) come back as warnings.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { aggregateMessage, goPathError } from '../util/go-format.js';
import { type GoJson, type GoType, decodeDocument, goTypes, goUnmarshal, groupVersionString, interpretKind, withDefaults } from '../util/go-json.js';
import { validatePolicy } from './policy-validation.js';
import type { Policy } from './types.js';

/** Policy files larger than this are refused (Kubernetes reads any size). */
export const MAX_POLICY_FILE_BYTES = 1024 * 1024;

const GROUP = 'audit.k8s.io';
const SCHEME = 'k8s.io/apiserver/pkg/audit/scheme.go:30';
const INTERNAL = { group: GROUP, version: '__internal', kind: 'Policy' };
const KINDS = new Set(['Policy', 'PolicyList', 'Event', 'EventList']);

/** A policy that cannot be used; `message` is kube-apiserver's whole error line. */
export class AuditPolicyError extends Error {
  override readonly name = 'AuditPolicyError';
}

/** The Go types of the policy, as `v1` (or `audit`, the internal package) names them. */
function policyType(pkg: 'v1' | 'audit'): GoType {
  const strings = goTypes.slice(goTypes.string);
  const stages = goTypes.slice({ kind: 'string', name: `${pkg}.Stage` });
  const groupResources = goTypes.struct(`${pkg}.GroupResources`, { group: goTypes.string, resources: strings, resourceNames: strings });
  const rule = goTypes.struct(`${pkg}.PolicyRule`, {
    level: { kind: 'string', name: `${pkg}.Level` },
    users: strings,
    userGroups: strings,
    verbs: strings,
    resources: goTypes.slice(groupResources),
    namespaces: strings,
    nonResourceURLs: strings,
    omitStages: stages,
    omitManagedFields: goTypes.bool,
  });
  return goTypes.struct(`${pkg}.Policy`, {
    kind: goTypes.string,
    apiVersion: goTypes.string,
    metadata: goTypes.struct('v1.ObjectMeta', {}),
    rules: goTypes.slice(rule),
    omitStages: stages,
    omitManagedFields: goTypes.bool,
  });
}

const V1_POLICY = policyType('v1');
const INTERNAL_POLICY = policyType('audit');

/** Members the decoder skips (not in the Go type), as `unknown field "rules[0].userGroup"`. */
function unknownFields(v: GoJson, t: GoType, path: string, out: string[]): void {
  if (t.kind === 'slice' && v.t === 'array') v.items.forEach((item, i) => unknownFields(item, t.elem, `${path}[${i}]`, out));
  if (t.kind !== 'struct' || v.t !== 'object' || t.name === 'v1.ObjectMeta') return;
  for (const [key, member] of v.members) {
    const child = path ? `${path}.${key}` : key;
    const ft = t.fields[key];
    if (ft === undefined) out.push(`unknown field ${JSON.stringify(child)}`);
    else unknownFields(member, ft, child, out);
  }
}

/** The first YAML document of `text` (sigs.k8s.io/yaml reads no further), and how many there were. */
function firstDocument(text: string): { text: string; documents: number } {
  if (/^\s*\{/.test(text)) return { text, documents: 1 };
  let docs;
  try {
    docs = parseAllDocuments(text, { version: '1.1' });
  } catch {
    return { text, documents: 1 };
  }
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.length <= 1) return { text, documents: list.length };
  const first = list[0]!;
  return { text: text.slice(0, first.range[2]), documents: list.length };
}

function decode(text: string): GoJson {
  try {
    return decodeDocument(text);
  } catch (e) {
    if (e instanceof RangeError) throw new Error('yaml: the document is nested too deeply, or refers to itself');
    // the recognizer hands YAML to YAMLToJSON, whose errors carry no "converting" prefix
    throw new Error((e as Error).message.replace(/^error converting YAML to JSON: /, ''));
  }
}

/**
 * `LoadPolicyFromBytes`: the policy in `text`, and warnings about what it holds that Kubernetes
 * ignores; throws an Error with Kubernetes' message (without the file suffix).
 * @example
 * parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n').policy;
 * // { rules: [{ level: 'Metadata' }] }
 */
export function parsePolicy(text: string): { policy: Policy; warnings: string[] } {
  const warnings: string[] = [];
  const first = firstDocument(text);
  if (first.documents > 1) warnings.push(`only the first of ${first.documents} YAML documents is read, as kube-apiserver reads it`);
  let obj: Record<string, unknown> | undefined;
  let gvk;
  try {
    const doc = decode(first.text);
    gvk = withDefaults(interpretKind(doc), INTERNAL);
    const known = gvk.group === GROUP && (gvk.version === 'v1' || gvk.version === '__internal') && KINDS.has(gvk.kind);
    if (!known) throw new Error(`no kind ${JSON.stringify(gvk.kind)} is registered for version ${JSON.stringify(groupVersionString(gvk))} in scheme ${JSON.stringify(SCHEME)}`);
    const pkg = gvk.version === 'v1' ? 'v1' : 'audit';
    if (gvk.kind !== 'Policy') throw new Error(`converting (${pkg}.${gvk.kind}) to (audit.Policy): unknown conversion`);
    const t = pkg === 'v1' ? V1_POLICY : INTERNAL_POLICY;
    obj = goUnmarshal(doc, t);
    unknownFields(doc, t, '', warnings);
  } catch (e) {
    throw new Error(`failed decoding: ${(e as Error).message}`);
  }
  if (gvk.version !== 'v1') throw new Error(`unknown group version field ${groupVersionString(gvk)}, Kind=${gvk.kind} in policy`);
  const policy = toPolicy(obj ?? {});
  const errs = validatePolicy(policy);
  if (errs.length) throw new Error(aggregateMessage(errs.map(String)));
  if (policy.rules.length === 0) throw new Error('loaded illegal policy with 0 rules');
  return { policy, warnings };
}

/** The decoded members as a Policy: absent lists stay absent, as Go leaves them nil. */
function toPolicy(o: Record<string, unknown>): Policy {
  const rules = ((o.rules as Record<string, unknown>[] | undefined) ?? []).map((r) => {
    const rule: Record<string, unknown> = { level: r.level ?? '' };
    for (const k of ['users', 'userGroups', 'verbs', 'resources', 'namespaces', 'nonResourceURLs', 'omitStages', 'omitManagedFields']) {
      if (r[k] !== undefined) rule[k] = r[k];
    }
    return rule;
  });
  const p: Record<string, unknown> = { rules };
  if (o.omitStages !== undefined) p.omitStages = o.omitStages;
  if (o.omitManagedFields !== undefined) p.omitManagedFields = o.omitManagedFields;
  return p as unknown as Policy;
}

/**
 * `--audit-policy-file`: the policy, or an {@link AuditPolicyError} with kube-apiserver's line
 * (`loading audit policy file: failed decoding: yaml: ...: from file <path>`).
 * @example
 * const { policy, warnings } = loadPolicyFile('/etc/kubernetes/audit-policy.yaml');
 */
export function loadPolicyFile(path: string): { policy: Policy; warnings: string[] } {
  const fail = (msg: string) => new AuditPolicyError(`loading audit policy file: ${msg}`);
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_POLICY_FILE_BYTES) throw fail(`${path} is ${size} bytes, more than the ${MAX_POLICY_FILE_BYTES} an audit policy may have`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof AuditPolicyError) throw e;
    throw fail(`failed to read file path ${JSON.stringify(path)}: ${goPathError(path, e as NodeJS.ErrnoException) ?? (e as Error).message}`);
  }
  try {
    return parsePolicy(text);
  } catch (e) {
    throw fail(`${(e as Error).message}: from file ${path}`);
  }
}
