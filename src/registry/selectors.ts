import { errors } from '../errors/index.js';
import type { KubeObject } from './types.js';

/**
 * Label and field selectors as `kubectl get -l` / `--field-selector` send them
 * (apimachinery/pkg/labels and pkg/fields): `a=b,c!=d,e in (f,g),h notin (i),j,!k`.
 */
export type Matcher = (obj: KubeObject) => boolean;

interface Requirement {
  key: string;
  op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!';
  values: string[];
}

/** Splits on commas that are not inside parentheses. */
function splitTerms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

function parseRequirement(term: string, allowSets: boolean, kind: 'label' | 'field'): Requirement {
  const setMatch = allowSets ? /^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term) : null;
  if (setMatch) {
    return { key: setMatch[1]!, op: setMatch[2] as 'in' | 'notin', values: setMatch[3]!.split(',').map((v) => v.trim()).filter(Boolean) };
  }
  const eq = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s,]*)$/.exec(term);
  if (eq) return { key: eq[1]!, op: eq[2] === '!=' ? '!=' : '=', values: [eq[3]!] };
  if (allowSets && /^![^\s!=()]+$/.test(term)) return { key: term.slice(1), op: '!', values: [] };
  if (allowSets && /^[^\s!=()]+$/.test(term)) return { key: term, op: 'exists', values: [] };
  throw errors.badRequest(kind === 'label' ? `unable to parse requirement: found '${term}', expected: '=', '!=', '==', 'in', notin'` : `invalid selector: '${term}'; can't understand '${term}'`);
}

function test(r: Requirement, value: string | undefined): boolean {
  switch (r.op) {
    case '=':
      return value === r.values[0];
    case '!=':
      return value !== r.values[0];
    case 'in':
      return value !== undefined && r.values.includes(value);
    case 'notin':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return value !== undefined;
    case '!':
      return value === undefined;
  }
}

export function parseLabelSelector(selector: string | undefined): Matcher {
  if (!selector) return () => true;
  const reqs = splitTerms(selector).map((t) => parseRequirement(t, true, 'label'));
  return (obj) => reqs.every((r) => test(r, obj.metadata.labels?.[r.key]));
}

/** Field paths each kind supports, as kube-apiserver's field label conversion functions. */
const FIELDS: Record<string, Record<string, (o: KubeObject) => string | undefined>> = {
  '*': {
    'metadata.name': (o) => o.metadata.name,
    'metadata.namespace': (o) => o.metadata.namespace ?? '',
  },
  Pod: {
    'spec.nodeName': (o) => String((o.spec as Record<string, unknown> | undefined)?.nodeName ?? ''),
    'spec.serviceAccountName': (o) => String((o.spec as Record<string, unknown> | undefined)?.serviceAccountName ?? ''),
    'status.phase': (o) => String((o.status as Record<string, unknown> | undefined)?.phase ?? ''),
  },
  Secret: { type: (o) => String(o.type ?? '') },
  Event: {
    'involvedObject.name': (o) => String((o.involvedObject as Record<string, unknown> | undefined)?.name ?? ''),
    'involvedObject.namespace': (o) => String((o.involvedObject as Record<string, unknown> | undefined)?.namespace ?? ''),
    'involvedObject.kind': (o) => String((o.involvedObject as Record<string, unknown> | undefined)?.kind ?? ''),
    'involvedObject.uid': (o) => String((o.involvedObject as Record<string, unknown> | undefined)?.uid ?? ''),
  },
  Namespace: { 'status.phase': (o) => String((o.status as Record<string, unknown> | undefined)?.phase ?? '') },
};

export function parseFieldSelector(selector: string | undefined, kind: string): Matcher {
  if (!selector) return () => true;
  const reqs = splitTerms(selector).map((t) => parseRequirement(t, false, 'field'));
  const getters = reqs.map((r) => {
    const g = FIELDS['*']![r.key] ?? FIELDS[kind]?.[r.key];
    if (!g) throw errors.badRequest(`"${r.key}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    return g;
  });
  return (obj) => reqs.every((r, i) => test(r, getters[i]!(obj)));
}
