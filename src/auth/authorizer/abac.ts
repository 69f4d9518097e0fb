/**
 * ABAC (pkg/auth/authorizer/abac/abac.go): a policy file of one object per line,
 * `{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{...}}`.
 * Lines are read as kube-apiserver reads them (bufio.Scanner, then the abac scheme's universal
 * decoder): blank lines and `#` comments are skipped; a line is JSON when it starts with `{` and
 * YAML otherwise; a line whose kind or version is missing or unknown is decoded again as an
 * unversioned (v0) policy and migrated as pkg/apis/abac/v0/conversion.go does; `"*"` as user or
 * group becomes the group system:authenticated. A bad line fails the whole file with
 * `error reading policy file <path>, line <n>: <line>: <why>`, `<why>` in Go's words.
 */
import { readFileSync } from 'node:fs';
import type { UserInfo } from '../../registry/types.js';
import { decodeDocument, goTypes, goUnmarshal, groupVersionString, interpretKind, withDefaults, type GoJson, type GoType, type Gvk } from '../../util/go-json.js';
import type { Attributes, AuthorizationResult, Authorizer, NonResourceRuleInfo, ResourceRuleInfo, RuleResolver, RulesForResult } from './types.js';
import { goPathError } from '../../util/go-format.js';

const GROUP = 'abac.authorization.kubernetes.io';
const ALL_AUTHENTICATED = 'system:authenticated';
/**
 * The name apimachinery gives the abac package's own runtime.Scheme (the file and line of its
 * `runtime.NewScheme()` call, pkg/apis/abac/register.go:33, trimmed as release builds record
 * paths); not-registered errors end with it.
 */
const SCHEME_NAME = 'pkg/apis/abac/register.go:33';
/** bufio.Scanner's default limit: a line of this many bytes or more stops the read. */
const MAX_LINE_BYTES = 64 * 1024;

/**
 * One policy after conversion (the internal `abac.PolicySpec`).
 * @example
 * const p: AbacPolicy = { user: 'alice', group: '', readonly: true, apiGroup: '*', namespace: '*', resource: '*', nonResourcePath: '' };
 */
export interface AbacPolicy {
  user: string;
  group: string;
  readonly: boolean;
  apiGroup: string;
  namespace: string;
  resource: string;
  nonResourcePath: string;
}

/**
 * The policy file cannot be used: `error reading policy file <path>, line <n>: <line>: <why>`
 * for a bad line, `error reading policy file <path>: <why>` when reading itself failed (`line`
 * is then -1 and `data` empty).
 * @example
 * try { parseAbacPolicy('{', 'policy.jsonl'); } catch (e) { (e as AbacPolicyError).line; } // 1
 */
export class AbacPolicyError extends Error {
  override readonly name = 'AbacPolicyError';
  constructor(readonly path: string, readonly line: number, readonly data: string, readonly detail: string) {
    super(line >= 0 ? `error reading policy file ${path}, line ${line}: ${data}: ${detail}` : `error reading policy file ${path}: ${detail}`);
  }
}

const { string, bool } = goTypes;
const typeMeta = { apiVersion: string, kind: string };
const V0_POLICY = goTypes.struct('v0.Policy', { ...typeMeta, user: string, group: string, readonly: bool, resource: string, namespace: string });
const V1BETA1_POLICY = goTypes.struct('v1beta1.Policy', {
  ...typeMeta,
  spec: goTypes.struct('v1beta1.PolicySpec', { user: string, group: string, readonly: bool, apiGroup: string, resource: string, namespace: string, nonResourcePath: string }),
});

const V0: Gvk = { group: GROUP, version: 'v0', kind: 'Policy' };
const V1BETA1: Gvk = { group: GROUP, version: 'v1beta1', kind: 'Policy' };
const same = (a: Gvk, b: Gvk) => a.group === b.group && a.version === b.version && a.kind === b.kind;
/** The Go type registered for a kind in the abac scheme (the internal version is never on the wire). */
const registered = (g: Gvk): GoType | undefined => (same(g, V0) ? V0_POLICY : same(g, V1BETA1) ? V1BETA1_POLICY : undefined);

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** `Convert_v0_Policy_To_abac_Policy`. */
function fromV0(o: Record<string, unknown> | undefined): AbacPolicy {
  const user = str(o?.user);
  const group = str(o?.group);
  const namespace = str(o?.namespace);
  const resource = str(o?.resource);
  const p: AbacPolicy = { user, group, readonly: o?.readonly === true, apiGroup: '*', namespace: namespace || '*', resource: resource || '*', nonResourcePath: '' };
  if (!user && !group) p.group = ALL_AUTHENTICATED;
  if (user === '*' || group === '*') {
    p.group = ALL_AUTHENTICATED;
    p.user = '';
  }
  if (!namespace && !resource) p.nonResourcePath = '*';
  return p;
}

/** `Convert_v1beta1_Policy_To_abac_Policy`. */
function fromV1beta1(o: Record<string, unknown> | undefined): AbacPolicy {
  const s = (o?.spec ?? {}) as Record<string, unknown>;
  const p: AbacPolicy = { user: str(s.user), group: str(s.group), readonly: s.readonly === true, apiGroup: str(s.apiGroup), namespace: str(s.namespace), resource: str(s.resource), nonResourcePath: str(s.nonResourcePath) };
  if (p.user === '*' || p.group === '*') {
    p.group = ALL_AUTHENTICATED;
    p.user = '';
  }
  return p;
}

const notRegistered = (g: Gvk) => new Error(`no kind ${JSON.stringify(g.kind)} is registered for version ${JSON.stringify(groupVersionString(g))} in scheme ${JSON.stringify(SCHEME_NAME)}`);

/**
 * The versioned decode of one line (`Codecs.UniversalDecoder().Decode`), into a registered
 * version and on to the internal policy; `'fallback'` where Go answers with a missing-kind,
 * missing-version or not-registered error, after which the line is read as v0.
 */
function decodeVersioned(doc: GoJson, gvk: Gvk): AbacPolicy | 'fallback' {
  if (!gvk.kind || !gvk.version) return 'fallback';
  const t = registered(gvk);
  if (!t) return 'fallback';
  const obj = goUnmarshal(doc, t);
  return t === V0_POLICY ? fromV0(obj) : fromV1beta1(obj);
}

/** `runtime.DecodeInto(decoder, line, &v0.Policy{})`, then the v0 conversion. */
function decodeAsV0(doc: GoJson, gvk: Gvk, line: string): AbacPolicy {
  const g = withDefaults(gvk, V0);
  if (!g.kind) throw new Error(`Object 'Kind' is missing in '${line}'`);
  if (!g.version) throw new Error(`Object 'apiVersion' is missing in '${line}'`);
  const t = registered(g);
  if (!t) throw notRegistered(g);
  const obj = goUnmarshal(doc, t);
  if (t === V0_POLICY) return fromV0(obj);
  // the document named v1beta1 without a kind: it decodes as v1beta1, which has no conversion to v0
  throw new Error('converting (v1beta1.Policy) to (v0.Policy): unknown conversion');
}

function decodeLine(line: string): AbacPolicy {
  const doc = decodeDocument(line);
  const gvk = interpretKind(doc);
  const versioned = decodeVersioned(doc, gvk);
  return versioned === 'fallback' ? decodeAsV0(doc, gvk, line) : versioned;
}

/**
 * Reads a policy file's text (`NewFromFile`); throws an {@link AbacPolicyError} naming the first
 * bad line (lines count from 1, blank and comment lines included; a trailing `\r` is dropped).
 * @example
 * const policies = parseAbacPolicy('{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"alice","namespace":"*","resource":"*","apiGroup":"*"}}');
 */
export function parseAbacPolicy(text: string, path = ''): AbacPolicy[] {
  const out: AbacPolicy[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    // the scanner gives up on a line that does not fit its buffer, newline and all
    if (Buffer.byteLength(raw, 'utf8') >= MAX_LINE_BYTES) throw new AbacPolicyError(path, -1, '', 'bufio.Scanner: token too long');
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    try {
      out.push(decodeLine(line));
    } catch (e) {
      throw new AbacPolicyError(path, i + 1, line, (e as Error).message);
    }
  }
  return out;
}

function subjectMatches(p: AbacPolicy, user: UserInfo): boolean {
  let matched = false;
  if (p.user) {
    if (p.user === '*') matched = true;
    else if (p.user !== (user.username ?? '')) return false;
    else matched = true;
  }
  if (p.group) {
    if (p.group === '*') matched = true;
    else if (!(user.groups ?? []).includes(p.group)) return false;
    else matched = true;
  }
  return matched;
}

const READ_ONLY = new Set(['get', 'list', 'watch']);

function matches(p: AbacPolicy, a: Attributes): boolean {
  if (!subjectMatches(p, a.user)) return false;
  if (!READ_ONLY.has(a.verb) && p.readonly) return false;
  if (a.resourceRequest) {
    return (p.namespace === '*' || p.namespace === a.namespace) && (p.resource === '*' || p.resource === a.resource) && (p.apiGroup === '*' || p.apiGroup === a.apiGroup);
  }
  const np = p.nonResourcePath;
  return np === '*' || np === a.path || (np.endsWith('*') && a.path.startsWith(np.replace(/\*+$/, '')));
}

/**
 * `--authorization-mode=ABAC` with `--authorization-policy-file`: allows a request that any
 * policy matches (subject, then read-only, then resource or non-resource path); otherwise no
 * opinion with `No policy matched.`
 * @example
 * const abac = AbacAuthorizer.fromFile('/etc/kubernetes/abac.jsonl');
 */
export class AbacAuthorizer implements Authorizer, RuleResolver {
  constructor(readonly policies: readonly AbacPolicy[]) {}

  /**
   * Reads and parses a policy file; errors name the path and line. A file that cannot be opened
   * fails as Go's os.Open does (`open <path>: no such file or directory`).
   */
  static fromFile(path: string): AbacAuthorizer {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw goOpenError(path, e as NodeJS.ErrnoException);
    }
    return new AbacAuthorizer(parseAbacPolicy(text, path));
  }

  async authorize(a: Attributes): Promise<AuthorizationResult> {
    if (this.policies.some((p) => matches(p, a))) return { decision: 'Allow', reason: '' };
    return { decision: 'NoOpinion', reason: 'No policy matched.' };
  }

  async rulesFor(user: UserInfo, namespace: string): Promise<RulesForResult> {
    const resourceRules: ResourceRuleInfo[] = [];
    const nonResourceRules: NonResourceRuleInfo[] = [];
    for (const p of this.policies) {
      if (!subjectMatches(p, user) || (p.namespace !== '*' && p.namespace !== namespace)) continue;
      const verbs = p.readonly ? ['get', 'list', 'watch'] : ['*'];
      if (p.resource) resourceRules.push({ verbs, apiGroups: [p.apiGroup], resources: [p.resource] });
      if (p.nonResourcePath) nonResourceRules.push({ verbs, nonResourceURLs: [p.nonResourcePath] });
    }
    return { resourceRules, nonResourceRules, incomplete: false };
  }
}

/** An *os.PathError from os.Open: `open <path>: <strerror>`. */
function goOpenError(path: string, e: NodeJS.ErrnoException): Error {
  // Go opens directories fine and fails on the first read instead
  if (e.code === 'EISDIR') return new AbacPolicyError(path, -1, '', `read ${path}: is a directory`);
  return Object.assign(new Error(goPathError(path, e) ?? `open ${path}: ${e.message}`), { code: e.code });
}
