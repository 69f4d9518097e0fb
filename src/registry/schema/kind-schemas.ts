import { KIND_TYPES, SCHEMA_SOURCE, TYPES_JSON } from './generated/kubernetes-1.33.js';

/**
 * The schemas of the kinds satoken decodes: the built-in kinds (generated/kubernetes-1.33.ts, from
 * Kubernetes 1.33's OpenAPI through @kubernetes/client-node 1.3.0), parsed on first use, plus
 * kinds registered at run time (the testing.satoken.dev kinds of other modules).
 *
 * A field's type is a code:
 * - `s` string, `b` bool, `i32`, `i64`, `f64`, `bytes` ([]byte, base64 in JSON),
 * - `time` metav1.Time, `mtime` metav1.MicroTime, `q` resource.Quantity, `ios` intstr.IntOrString,
 * - `raw` runtime.RawExtension and `fieldsv1` metav1.FieldsV1 (any JSON),
 * - `@Type` a struct, `[]X` a slice of X, `{}X` a map from strings to X.
 */

/** A struct: the Go type named in messages, its OpenAPI component name, and its JSON fields. */
export interface StructSchema {
  /** `v1.PodSpec`: what Go's reflect prints (`json: … of type v1.PodSpec`) */
  go: string;
  /** `io.k8s.api.core.v1.PodSpec`: the OpenAPI v3 component */
  openapi: string;
  /** JSON field name → type code */
  fields: Readonly<Record<string, string>>;
  /** keep unknown fields instead of reporting them (x-kubernetes-preserve-unknown-fields) */
  preserveUnknownFields?: boolean;
}

/** A kind registered at run time: its root struct and any structs it refers to. */
export interface KindSchemaDefinition {
  group: string;
  version: string;
  kind: string;
  /** the name of the root struct in `types` */
  root: string;
  types: Readonly<Record<string, StructSchema>>;
}

let builtinTypes: Map<string, StructSchema> | undefined;

/** The generated structs, parsed once, on first use. */
function builtins(): Map<string, StructSchema> {
  if (builtinTypes) return builtinTypes;
  const parsed = JSON.parse(TYPES_JSON) as Record<string, [string, string, Record<string, string>]>;
  builtinTypes = new Map(Object.entries(parsed).map(([name, [go, openapi, fields]]) => [name, { go, openapi, fields }]));
  return builtinTypes;
}

const BUILTIN_KINDS = new Map(KIND_TYPES.map(([g, v, k, t]) => [gvkKey(g, v, k), t]));

function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/**
 * The schemas one control plane decodes with: the built-in kinds and those registered on it.
 * Two instances do not see each other's registrations.
 * @example
 * const schemas = new KindSchemas();
 * schemas.rootOf('', 'v1', 'Pod'); // 'V1Pod'
 * schemas.struct('V1Pod')!.go; // 'v1.Pod'
 */
export class KindSchemas {
  private readonly customKinds = new Map<string, string>();
  private readonly customTypes = new Map<string, StructSchema>();

  /** Where the built-in schemas come from (for the README and `/version`-like reports). */
  static readonly source = SCHEMA_SOURCE;

  /**
   * Registers a kind's schema (e.g. testing.satoken.dev/v1 TokenFault). Type names are scoped by
   * the kind's group and version, so they cannot shadow the built-in ones.
   * @example
   * schemas.register({ group: 'testing.satoken.dev', version: 'v1', kind: 'TokenFault', root: 'TokenFault', types: {
   *   TokenFault: { go: 'v1.TokenFault', openapi: 'dev.satoken.testing.v1.TokenFault', fields: { apiVersion: 's', kind: 's', metadata: '@V1ObjectMeta', spec: '@TokenFaultSpec' } },
   *   TokenFaultSpec: { go: 'v1.TokenFaultSpec', openapi: 'dev.satoken.testing.v1.TokenFaultSpec', fields: { mode: 's' } } } });
   */
  register(def: KindSchemaDefinition): void {
    const scope = `${def.group}/${def.version}/`;
    const local = (name: string) => (Object.hasOwn(def.types, name) ? `${scope}${name}` : name);
    for (const [name, s] of Object.entries(def.types)) {
      const fields: Record<string, string> = {};
      for (const [f, code] of Object.entries(s.fields)) fields[f] = code.replace(/@([A-Za-z0-9_.]+)/, (_m, t: string) => `@${local(t)}`);
      this.customTypes.set(`${scope}${name}`, { ...s, fields });
    }
    if (!this.customTypes.has(`${scope}${def.root}`)) throw new Error(`schema of ${def.kind}: root type ${def.root} is not among its types`);
    this.customKinds.set(gvkKey(def.group, def.version, def.kind), `${scope}${def.root}`);
  }

  /** The root struct's name for a kind, or undefined when no schema covers it. */
  rootOf(group: string, version: string, kind: string): string | undefined {
    const key = gvkKey(group, version, kind);
    return this.customKinds.get(key) ?? BUILTIN_KINDS.get(key);
  }

  /** A struct by name. */
  struct(name: string): StructSchema | undefined {
    return this.customTypes.get(name) ?? builtins().get(name);
  }

  /** Every kind covered: built-in first, then registered, as [group, version, kind, root]. */
  kinds(): Array<[string, string, string, string]> {
    const out: Array<[string, string, string, string]> = KIND_TYPES.map(([g, v, k, t]) => [g, v, k, t]);
    for (const [key, root] of this.customKinds) {
      const [g, v, k] = key.split('/') as [string, string, string];
      out.push([g, v, k, root]);
    }
    return out;
  }
}
