/**
 * ABAC (pkg/auth/authorizer/abac/abac.go): a policy file of one JSON object per line,
 * `{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{...}}`;
 * blank lines and `#` comments are skipped, unversioned (v0) lines are migrated as
 * pkg/apis/abac/v0/conversion.go does, and `"*"` as user or group means every authenticated user.
 */
import { readFileSync } from 'node:fs';
import type { UserInfo } from '../../registry/types.js';
import type { Attributes, AuthorizationResult, Authorizer, NonResourceRuleInfo, ResourceRuleInfo, RuleResolver, RulesForResult } from './types.js';

const V1BETA1 = 'abac.authorization.kubernetes.io/v1beta1';
const V0 = 'abac.authorization.kubernetes.io/v0';
const ALL_AUTHENTICATED = 'system:authenticated';

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
 * A line of the policy file that cannot be read: `error reading policy file <path>, line <n>: <line>: <why>`.
 * @example
 * try { parseAbacPolicy('{', 'policy.jsonl'); } catch (e) { (e as AbacPolicyError).line; } // 1
 */
export class AbacPolicyError extends Error {
  override readonly name = 'AbacPolicyError';
  constructor(readonly path: string, readonly line: number, readonly data: string, readonly detail: string) {
    super(`error reading policy file ${path}, line ${line}: ${data}: ${detail}`);
  }
}

const STRING_FIELDS = ['user', 'group', 'apiGroup', 'namespace', 'resource', 'nonResourcePath'] as const;

function readFields(o: Record<string, unknown>, where: string): AbacPolicy {
  const p: AbacPolicy = { user: '', group: '', readonly: false, apiGroup: '', namespace: '', resource: '', nonResourcePath: '' };
  for (const f of STRING_FIELDS) {
    const v = o[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new Error(`json: cannot unmarshal ${typeof v} into Go struct field ${where}.${f} of type string`);
    p[f] = v;
  }
  const ro = o.readonly;
  if (ro !== undefined && ro !== null && typeof ro !== 'boolean') throw new Error(`json: cannot unmarshal ${typeof ro} into Go struct field ${where}.readonly of type bool`);
  p.readonly = ro === true;
  return p;
}

/** `Convert_v0_Policy_To_abac_Policy`. */
function fromV0(o: Record<string, unknown>): AbacPolicy {
  const v0 = readFields(o, 'Policy');
  const p: AbacPolicy = { user: v0.user, group: v0.group, readonly: v0.readonly, apiGroup: '*', namespace: v0.namespace || '*', resource: v0.resource || '*', nonResourcePath: '' };
  if (!v0.user && !v0.group) p.group = ALL_AUTHENTICATED;
  if (v0.user === '*' || v0.group === '*') {
    p.group = ALL_AUTHENTICATED;
    p.user = '';
  }
  if (!v0.namespace && !v0.resource) p.nonResourcePath = '*';
  return p;
}

/** `Convert_v1beta1_Policy_To_abac_Policy`. */
function fromV1beta1(o: Record<string, unknown>): AbacPolicy {
  const spec = o.spec ?? {};
  if (typeof spec !== 'object' || Array.isArray(spec)) throw new Error('json: cannot unmarshal into Go struct field Policy.spec of type v1beta1.PolicySpec');
  const p = readFields(spec as Record<string, unknown>, 'Policy.spec');
  if (p.user === '*' || p.group === '*') {
    p.group = ALL_AUTHENTICATED;
    p.user = '';
  }
  return p;
}

function decodeLine(line: string): AbacPolicy {
  const o: unknown = JSON.parse(line);
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error('couldn\'t get version/kind; json parse error: not an object');
  const obj = o as Record<string, unknown>;
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  if (!apiVersion || !kind) return fromV0(obj);
  if (kind === 'Policy' && apiVersion === V1BETA1) return fromV1beta1(obj);
  if (kind === 'Policy' && apiVersion === V0) return fromV0(obj);
  throw new Error(`no kind "${kind}" is registered for version "${apiVersion}"`);
}

/**
 * Reads a policy file's text (`NewFromFile`); throws an {@link AbacPolicyError} naming the first
 * bad line (lines count from 1, blank and comment lines included).
 * @example
 * const policies = parseAbacPolicy('{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"alice","namespace":"*","resource":"*","apiGroup":"*"}}');
 */
export function parseAbacPolicy(text: string, path = ''): AbacPolicy[] {
  const out: AbacPolicy[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    try {
      out.push(decodeLine(line));
    } catch (e) {
      throw new AbacPolicyError(path, i + 1, line, (e as Error).message);
    }
  });
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

  /** Reads and parses a policy file; errors name the path and line. */
  static fromFile(path: string): AbacAuthorizer {
    return new AbacAuthorizer(parseAbacPolicy(readFileSync(path, 'utf8'), path));
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
