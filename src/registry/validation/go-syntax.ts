import { FieldError, type FieldErrorType } from '../../errors/index.js';
import { goQuote } from '../../util/go-format.js';
import { isObj } from './typed-fields.js';

/**
 * Go's `%#v` of the few Kubernetes values that field errors print whole: field.Error's
 * ErrorBody falls back to `%#v` for a struct, map or slice (a pointer is dereferenced first), so
 * kube-apiserver says `Invalid value: map[string]string{"app":"web"}` and
 * `v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`.
 */
export type GoType =
  | { k: 'string' }
  | { k: 'int' }
  | { k: 'bool' }
  | { k: 'map'; name: string }
  | { k: 'slice'; name: string; elem: GoType }
  | { k: 'ptr'; name: string; elem: GoType }
  | { k: 'struct'; name: string; fields: Array<[goName: string, jsonName: string, type: GoType]> }
  | { k: 'intstr' };

const str: GoType = { k: 'string' };
const int: GoType = { k: 'int' };

export const goTypes = {
  string: str,
  int,
  stringMap: { k: 'map', name: 'map[string]string' } as GoType,
  stringSlice: { k: 'slice', name: '[]string', elem: str } as GoType,
  intOrString: { k: 'intstr' } as GoType,
} as const;

const requirement: GoType = {
  k: 'struct',
  name: 'v1.LabelSelectorRequirement',
  fields: [['Key', 'key', str], ['Operator', 'operator', str], ['Values', 'values', goTypes.stringSlice]],
};
export const labelSelectorType: GoType = {
  k: 'struct',
  name: 'v1.LabelSelector',
  fields: [['MatchLabels', 'matchLabels', goTypes.stringMap], ['MatchExpressions', 'matchExpressions', { k: 'slice', name: '[]v1.LabelSelectorRequirement', elem: requirement }]],
};
const intstrPtr: GoType = { k: 'ptr', name: '*intstr.IntOrString', elem: goTypes.intOrString };
export const appsTypes = {
  deploymentStrategy: {
    k: 'struct',
    name: 'apps.DeploymentStrategy',
    fields: [['Type', 'type', str], ['RollingUpdate', 'rollingUpdate', { k: 'ptr', name: '*apps.RollingUpdateDeployment', elem: str }]],
  } as GoType,
  daemonSetUpdateStrategy: {
    k: 'struct',
    name: 'apps.DaemonSetUpdateStrategy',
    fields: [['Type', 'type', str], ['RollingUpdate', 'rollingUpdate', { k: 'ptr', name: '*apps.RollingUpdateDaemonSet', elem: str }]],
  } as GoType,
  statefulSetUpdateStrategy: {
    k: 'struct',
    name: 'apps.StatefulSetUpdateStrategy',
    fields: [['Type', 'type', str], ['RollingUpdate', 'rollingUpdate', { k: 'ptr', name: '*apps.RollingUpdateStatefulSetStrategy', elem: str }]],
  } as GoType,
  rollingUpdateStatefulSet: {
    k: 'struct',
    name: 'apps.RollingUpdateStatefulSetStrategy',
    fields: [['Partition', 'partition', int], ['MaxUnavailable', 'maxUnavailable', intstrPtr]],
  } as GoType,
};

/** Go `%#v` of a decoded JSON value read as type `t`. */
export function goSyntax(v: unknown, t: GoType): string {
  switch (t.k) {
    case 'string':
      return goQuote(typeof v === 'string' ? v : '');
    case 'int':
      return typeof v === 'number' ? String(v) : '0';
    case 'bool':
      return v === true ? 'true' : 'false';
    case 'intstr':
      return typeof v === 'string' ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}` : `intstr.IntOrString{Type:0, IntVal:${typeof v === 'number' ? v : 0}, StrVal:""}`;
    case 'map': {
      if (!isObj(v)) return `${t.name}(nil)`;
      const keys = Object.keys(v).sort();
      return `${t.name}{${keys.map((k) => `${goQuote(k)}:${goQuote(String(v[k] ?? ''))}`).join(', ')}}`;
    }
    case 'slice':
      if (!Array.isArray(v)) return `${t.name}(nil)`;
      return `${t.name}{${v.map((e) => goSyntax(e, t.elem)).join(', ')}}`;
    case 'ptr':
      // nested pointers print as an address in Go; a stable stand-in keeps the shape
      return v === undefined || v === null ? `(${t.name})(nil)` : `(${t.name})(0xc000000000)`;
    case 'struct': {
      const o = isObj(v) ? v : {};
      return `${t.name}{${t.fields.map(([g, j, ft]) => `${g}:${goSyntax(o[j], ft)}`).join(', ')}}`;
    }
  }
}

/**
 * A field error whose bad value is already rendered (Go syntax), printed as is where
 * {@link FieldError} would quote or JSON-encode it.
 */
export class RenderedFieldError extends FieldError {
  constructor(type: FieldErrorType, field: string, readonly rendered: string, detail: string) {
    super(type, field, rendered, detail);
  }

  override body(): string {
    const tail = this.detail ? `: ${this.detail}` : '';
    // field.OmitValueType: the type and the detail, no value
    if (this.rendered === '') return `${this.type === 'FieldValueInvalid' ? 'Invalid value' : this.type}${tail}`;
    switch (this.type) {
      case 'FieldValueNotSupported':
        return `Unsupported value: ${this.rendered}${tail}`;
      case 'FieldValueDuplicate':
        return `Duplicate value: ${this.rendered}`;
      case 'FieldValueTooMany':
        return `Too many: ${this.rendered}${tail}`;
      case NOT_FOUND:
        return `Not found: ${this.rendered}`;
      default:
        return `Invalid value: ${this.rendered}${tail}`;
    }
  }
}

const NOT_FOUND = 'FieldValueNotFound' as FieldErrorType;

/** field.NotFound: `Not found: "name"` (reason FieldValueNotFound). */
export function notFound(field: string, value: string): FieldError {
  return new RenderedFieldError(NOT_FOUND, field, goQuote(value), '');
}

/** field.Invalid with a value Go prints with `%#v`. */
export function invalidGo(field: string, v: unknown, t: GoType, detail: string): FieldError {
  return new RenderedFieldError('FieldValueInvalid', field, goSyntax(v, t), detail);
}

/** field.NotSupported with a value Go prints with `%#v`. */
export function notSupportedGo(field: string, v: unknown, t: GoType, valid: string[]): FieldError {
  return new RenderedFieldError('FieldValueNotSupported', field, goSyntax(v, t), `supported values: ${valid.map(goQuote).join(', ')}`);
}

/** field.TooMany: `Too many: 21: must have at most 20 items`. */
export function tooMany(field: string, actual: number, max: number): FieldError {
  return new RenderedFieldError('FieldValueTooMany', field, String(actual), `must have at most ${max} items`);
}
