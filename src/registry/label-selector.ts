import type { LabelSelector } from './types.js';

/**
 * A metav1.LabelSelector as a selector string, as `metav1.LabelSelectorAsSelector(s).String()`
 * writes it (apimachinery pkg/apis/meta/v1/helpers.go, pkg/labels/selector.go):
 * - `matchLabels` become `key=value`, expressions `key in (a,b)`, `key notin (a)`, `key`, `!key`;
 * - requirements sorted by key, values sorted, joined by `,`;
 * - an empty selector (matches everything) is `''`; a nil one (matches nothing) is `''` too.
 * Returns undefined for a selector LabelSelectorAsSelector refuses (an unknown operator, In or
 * NotIn without values, Exists or DoesNotExist with values).
 * @example
 * labelSelectorString({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] });
 * // 'app=web,tier in (a,b)'
 */
export function labelSelectorString(selector: LabelSelector | null | undefined): string | undefined {
  if (!selector || typeof selector !== 'object') return '';
  const reqs: Array<{ key: string; text: string }> = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) reqs.push({ key, text: `${key}=${String(value)}` });
  for (const e of selector.matchExpressions ?? []) {
    const values = [...(e?.values ?? [])].map(String).sort();
    switch (e?.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return undefined;
        reqs.push({ key: e.key, text: `${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${values.join(',')})` });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) return undefined;
        reqs.push({ key: e.key, text: e.operator === 'Exists' ? e.key : `!${e.key}` });
        break;
      default:
        return undefined;
    }
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}

/**
 * `metav1.FormatLabelSelector`: the selector string, `<none>` when empty, `<error>` when invalid.
 * @example
 * formatLabelSelector({}); // '<none>'
 */
export function formatLabelSelector(selector: LabelSelector | null | undefined): string {
  const s = labelSelectorString(selector);
  if (s === undefined) return '<error>';
  return s || '<none>';
}

/**
 * `labels.FormatLabels`: `k=v` pairs sorted by key, `<none>` when empty.
 * @example
 * formatLabels({ b: '2', a: '1' }); // 'a=1,b=2'
 */
export function formatLabels(labels: Record<string, unknown> | null | undefined): string {
  const keys = Object.keys(labels && typeof labels === 'object' ? labels : {}).sort();
  return keys.length ? keys.map((k) => `${k}=${String(labels![k])}`).join(',') : '<none>';
}
