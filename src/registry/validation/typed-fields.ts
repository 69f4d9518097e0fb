import { type FieldError, invalid } from '../../errors/index.js';

/** A JSON object as decoded: what validators walk. */
export type Obj = Record<string, unknown>;

/**
 * Reads an untyped decoded body the way Go's decoder would have typed it, collecting a field
 * error (never throwing) where a value has the wrong JSON type: a string where an object belongs,
 * a number where a list belongs. `null` and absence read as Go's zero value, as json.Unmarshal
 * leaves a field it reads `null` for.
 *
 * The decoding stage (fieldValidation, Go's unmarshal messages) answers type mismatches first
 * with a 400; this is the backstop that keeps validation total over any input, so that a
 * malformed object is a 422 and never a crash.
 * @example
 * const f = new Fields();
 * const spec = f.obj(pod.spec, 'spec'); // undefined and an error when spec is "x"
 * if (f.errs.length) return f.errs;
 */
export class Fields {
  readonly errs: FieldError[] = [];

  /** Go's PodValidationOptions that depend on the old object (AllowInvalidLabelValueInRequiredNodeAffinity). */
  constructor(readonly opts: { allowInvalidNodeAffinityValues?: boolean } = {}) {}

  private wrong(v: unknown, path: string, type: string): undefined {
    this.errs.push(invalid(path, v, `must be of type ${type}`));
    return undefined;
  }

  obj(v: unknown, path: string): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    return isObj(v) ? v : this.wrong(v, path, 'object');
  }

  arr(v: unknown, path: string): unknown[] | undefined {
    if (v === undefined || v === null) return undefined;
    return Array.isArray(v) ? v : this.wrong(v, path, 'array');
  }

  str(v: unknown, path: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : this.wrong(v, path, 'string');
  }

  int(v: unknown, path: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    return typeof v === 'number' && Number.isInteger(v) ? v : this.wrong(v, path, 'integer');
  }

  bool(v: unknown, path: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    return typeof v === 'boolean' ? v : this.wrong(v, path, 'boolean');
  }

  /** A map of strings (labels, annotations, nodeSelector). */
  strMap(v: unknown, path: string): Record<string, string> | undefined {
    const o = this.obj(v, path);
    if (!o) return undefined;
    for (const [k, s] of Object.entries(o)) if (typeof s !== 'string' && s !== null) return this.wrong(s, `${path}[${k}]`, 'string');
    return o as Record<string, string>;
  }

  /** A list of strings. */
  strList(v: unknown, path: string): string[] | undefined {
    const a = this.arr(v, path);
    if (!a) return undefined;
    for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'string') return this.wrong(a[i], `${path}[${i}]`, 'string');
    return a as string[];
  }

  /** A list of objects: entries of the wrong type are reported and skipped. */
  objList(v: unknown, path: string): Array<[number, Obj]> {
    const out: Array<[number, Obj]> = [];
    (this.arr(v, path) ?? []).forEach((e, i) => {
      const o = this.obj(e, `${path}[${i}]`);
      if (o) out.push([i, o]);
      else if (e === null || e === undefined) out.push([i, {}]);
    });
    return out;
  }
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * JSON fields that are pointers in the Go types (`*int64`, `*bool`, `*string`): for those an
 * explicit zero (`false`, `0`, `""`) differs from absence. Every other scalar field is a plain Go
 * value, where the zero and absence decode alike.
 */
const POINTER_FIELDS = new Set([
  'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'automountServiceAccountToken', 'shareProcessNamespace', 'priority',
  'enableServiceLinks', 'preemptionPolicy', 'runtimeClassName', 'hostUsers', 'setHostnameAsFQDN', 'runAsUser', 'runAsGroup',
  'runAsNonRoot', 'fsGroup', 'privileged', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'procMount', 'fsGroupChangePolicy',
  'seLinuxChangePolicy', 'supplementalGroupsPolicy', 'defaultMode', 'mode', 'optional', 'expirationSeconds', 'tolerationSeconds',
  'replicas', 'revisionHistoryLimit', 'progressDeadlineSeconds', 'parallelism', 'completions', 'backoffLimit', 'suspend',
  'manualSelector', 'ttlSecondsAfterFinished', 'startingDeadlineSeconds', 'timeZone', 'successfulJobsHistoryLimit',
  'failedJobsHistoryLimit', 'completionMode', 'partition', 'maxUnavailable', 'maxSurge', 'backoffLimitPerIndex', 'maxFailedIndexes',
  'podReplacementPolicy', 'managedBy', 'localhostProfile', 'hostProcess', 'gmsaCredentialSpecName', 'gmsaCredentialSpec', 'runAsUserName',
]);

function isZero(v: unknown, key: string | undefined): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObj(v)) return Object.keys(v).length === 0 && !(key !== undefined && POINTER_FIELDS.has(key));
  if (key !== undefined && POINTER_FIELDS.has(key)) return false;
  return v === '' || v === false || v === 0;
}

/**
 * Equality as apimachinery's `equality.Semantic.DeepEqual` sees two decoded objects: empty and
 * absent lists and maps are equal, and so are a plain field's zero value and its absence.
 */
export function semanticEqual(a: unknown, b: unknown, key?: string): boolean {
  if (a === b) return true;
  const za = isZero(a, key);
  const zb = isZero(b, key);
  if (za || zb) return za && zb && !(isObj(a) !== isObj(b) && key !== undefined && POINTER_FIELDS.has(key));
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k], k)) return false;
    return true;
  }
  return false;
}
