import type { AdmissionPlugin } from '../../registry/admission.js';

/**
 * The `DefaultTolerationSeconds` admission plugin (plugin/pkg/admission/defaulttolerationseconds),
 * enabled by default: on pod create and update, a pod that tolerates neither
 * `node.kubernetes.io/not-ready` nor `node.kubernetes.io/unreachable` with effect NoExecute (an
 * empty key or effect tolerates every one) gets a 300 s toleration for each it lacks.
 */
export const DEFAULT_TOLERATION_SECONDS = 300;
const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

type Toleration = { key?: unknown; operator?: unknown; effect?: unknown; tolerationSeconds?: unknown };

export function defaultTolerationSecondsAdmission(seconds = DEFAULT_TOLERATION_SECONDS): AdmissionPlugin {
  return {
    name: 'DefaultTolerationSeconds',
    admit(a) {
      if ((a.operation !== 'CREATE' && a.operation !== 'UPDATE') || a.resource.kind !== 'Pod' || a.subresource || !a.object) return;
      const spec = (a.object as { spec?: unknown }).spec;
      if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return;
      const s = spec as { tolerations?: unknown };
      if (s.tolerations !== undefined && s.tolerations !== null && !Array.isArray(s.tolerations)) return;
      const tolerations = ((s.tolerations as unknown[] | undefined) ?? []).filter((t): t is Toleration => !!t && typeof t === 'object');
      const tolerates = (key: string) => tolerations.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
      const added: Toleration[] = [];
      if (!tolerates(NOT_READY)) added.push({ key: NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
      if (!tolerates(UNREACHABLE)) added.push({ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
      if (added.length) s.tolerations = [...((s.tolerations as unknown[] | undefined) ?? []), ...added];
    },
  };
}
