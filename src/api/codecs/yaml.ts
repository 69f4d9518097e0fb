import { Alias, LineCounter, type Document, type Node as YamlNode, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { GoNumber, defineKey } from '../../util/go-json-parse.js';

/**
 * YAML read as kube-apiserver reads it: sigs.k8s.io/yaml `YAMLToJSON` over its go-yaml v2 fork.
 * - YAML 1.1 scalars as go-yaml v2 resolves them (`yes`/`no`/`on`/`off`/`y`/`n` are booleans, `017`
 *   is octal, `0x1F` hex); no timestamps (a date stays a string) and no sexagesimal numbers
 *   (`12:30` stays a string), which go-yaml v2 does not resolve either.
 * - Keys become strings as sigs.k8s.io/yaml converts them (`1` → "1", `true` → "true"; a key `n`
 *   is the boolean false, so "false"); a key repeated in a mapping: the last one wins, and
 *   {@link ParsedYaml.duplicateKeys} carries go-yaml's strict-mode error for it
 *   (`yaml: unmarshal errors:\n  line 4: key "name" already set in map`), which the strict
 *   decoder reports (runtime/serializer/json/json.go `unmarshal`: YAMLToJSONStrict).
 * - Merge keys `<<` (a mapping, an alias, or a list of them) are expanded in place, as go-yaml v2
 *   decodes them: keys after the merge override merged ones.
 * - Tags: `!!str`, `!!int`, … are honoured, `!!binary` becomes its bytes as a string, unknown tags
 *   (`!foo`) are ignored, as go-yaml v2 ignores them for an `interface{}` target.
 * - Aliases are expanded, bounded as go-yaml v2 bounds them (decode.go `allowedAliasRatio`:
 *   `document contains excessive aliasing`); an anchor inside its own value is
 *   `anchor 'x' value contains itself`.
 * - Only the first document is read, as `yaml.Unmarshal` reads only the first.
 * - `.inf` and `.nan` cannot become JSON: `json: unsupported value: +Inf`, as encoding/json says.
 * Errors are {@link YamlDecodeError}s with go-yaml's `yaml: ` prefix; syntax errors carry this
 * parser's own reason (go-yaml's wording is not reproduced beyond the depth limit).
 */

/** A YAML body that cannot become JSON. */
export class YamlDecodeError extends Error {
  override readonly name = 'YamlDecodeError';
}

export interface ParsedYaml {
  /** the document as JSON would carry it (keys as own properties, `__proto__` included) */
  value: unknown;
  /** go-yaml v2's strict-mode error for repeated keys, or undefined when no key repeats */
  duplicateKeys: string | undefined;
}

/** go-yaml v2 scannerc.go `max_flow_level` and `max_indents`. */
const GO_YAML_MAX_DEPTH = 10000;
/** go-yaml v2 decode.go: alias expansion bounds. */
const ALIAS_RATIO_RANGE_LOW = 400000;
const ALIAS_RATIO_RANGE_HIGH = 4000000;

function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= ALIAS_RATIO_RANGE_LOW) return 0.99;
  if (decodeCount >= ALIAS_RATIO_RANGE_HIGH) return 0.1;
  return 0.99 - (0.89 * (decodeCount - ALIAS_RATIO_RANGE_LOW)) / (ALIAS_RATIO_RANGE_HIGH - ALIAS_RATIO_RANGE_LOW);
}

/**
 * Parses a YAML body into the JSON value sigs.k8s.io/yaml would produce.
 * @example
 * parseYaml('base: &b {a: 1}\nderived:\n  <<: *b\n  c: 2\n').value; // { base: { a: 1 }, derived: { a: 1, c: 2 } }
 */
export function parseYaml(text: string): ParsedYaml {
  checkFlowDepth(text);
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    version: '1.1',
    intAsBigInt: true,
    uniqueKeys: false,
    merge: false,
    lineCounter: lines,
    prettyErrors: false,
    customTags: (tags) => tags.filter((t) => typeof t === 'string' || (t.format !== 'TIME' && !String(t.tag).endsWith(':timestamp'))),
  });
  if (!Array.isArray(docs)) {
    const empty = docs as { errors: Parameters<typeof syntaxError>[0][] };
    if (empty.errors.length) throw syntaxError(empty.errors[0]!, lines);
    return { value: null, duplicateKeys: undefined };
  }
  const doc = docs[0] as Document.Parsed | undefined;
  if (!doc) return { value: null, duplicateKeys: undefined };
  if (doc.errors.length) throw syntaxError(doc.errors[0]!, lines);
  const converter = new Converter(doc, lines);
  const value = converter.value(doc.contents as YamlNode | null);
  const dups = converter.duplicates;
  return { value, duplicateKeys: dups.length ? `yaml: unmarshal errors:\n  ${dups.join('\n  ')}` : undefined };
}

function syntaxError(e: { message: string; linePos?: [{ line: number; col: number }] | [{ line: number; col: number }, { line: number; col: number }]; pos: [number, number] }, lines: LineCounter): YamlDecodeError {
  let reason = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (/Maximum call stack size exceeded/.test(reason)) reason = 'nested too deeply for satoken to read';
  const line = e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line;
  return new YamlDecodeError(line > 1 ? `yaml: line ${line}: ${reason}` : `yaml: ${reason}`);
}

/** go-yaml v2 refuses flow collections nested deeper than 10000 before building anything. */
function checkFlowDepth(text: string): void {
  if (text.length <= GO_YAML_MAX_DEPTH) return;
  let depth = 0;
  let line = 0;
  let quote = '';
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      comment = false;
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) comment = true;
    else if (c === '[' || c === '{') {
      if (++depth > GO_YAML_MAX_DEPTH) throw new YamlDecodeError(`yaml: ${line > 0 ? `line ${line + 1}: ` : ''}exceeded max depth of ${GO_YAML_MAX_DEPTH}`);
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
}

class Converter {
  readonly duplicates: string[] = [];
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  /** anchors being expanded, to refuse an anchor inside its own value */
  private readonly expanding = new Set<YamlNode>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  value(node: YamlNode | null | undefined): unknown {
    this.count();
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.alias(node);
    if (isScalar(node)) return scalar(node.value);
    if (isSeq(node)) return node.items.map((item) => this.value(item as YamlNode | null));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const explicit = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        if (isMergeKey(keyNode)) {
          this.merge(pair.value as YamlNode | null, out);
          continue;
        }
        const key = this.key(keyNode);
        const value = this.value(pair.value as YamlNode | null);
        if (explicit.has(key)) {
          const at = (pair.value as YamlNode | null)?.range?.[0] ?? keyNode?.range?.[0] ?? 0;
          this.duplicates.push(`line ${this.lines.linePos(at).line}: key ${goKey(keyNode)} already set in map`);
        }
        explicit.add(key);
        defineKey(out, key, value);
      }
      return out;
    }
    return null;
  }

  /** go-yaml v2 `decoder.merge`: a mapping, an alias of one, or a list of them (earlier ones win). */
  private merge(node: YamlNode | null, out: Record<string, unknown>): void {
    const target = isAlias(node) ? this.resolve(node) : node;
    const wantMap = () => new YamlDecodeError('yaml: map merge requires map or sequence of maps as the value');
    if (isMap(target)) return this.mergeOne(node!, out);
    if (isSeq(target) && !isAlias(node)) {
      for (let i = target.items.length - 1; i >= 0; i--) {
        const item = target.items[i] as YamlNode;
        const resolved = isAlias(item) ? this.resolve(item) : item;
        if (!isMap(resolved)) throw wantMap();
        this.mergeOne(item, out);
      }
      return;
    }
    throw wantMap();
  }

  private mergeOne(node: YamlNode, out: Record<string, unknown>): void {
    const merged = this.value(node) as Record<string, unknown>;
    for (const k of Object.keys(merged)) defineKey(out, k, merged[k]);
  }

  private resolve(node: Alias): YamlNode {
    const target = node.resolve(this.doc) as YamlNode | undefined;
    if (!target) throw new YamlDecodeError(`yaml: unknown anchor '${node.source}' referenced`);
    return target;
  }

  private alias(node: Alias): unknown {
    const target = this.resolve(node);
    if (this.expanding.has(target)) throw new YamlDecodeError(`yaml: anchor '${node.source}' value contains itself`);
    this.expanding.add(target);
    this.aliasDepth++;
    try {
      return this.value(target);
    } finally {
      this.aliasDepth--;
      this.expanding.delete(target);
    }
  }

  private key(node: YamlNode | null): string {
    const v = isAlias(node) ? this.value(node) : isScalar(node) ? scalar(node.value) : node === null ? null : undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloatKey(v);
    if (v instanceof GoNumber) return v.text;
    throw new YamlDecodeError(`Unsupported map key of type: ${v === null ? '%!s(<nil>)' : 'map[interface {}]interface {}'}, key: ${v === null ? '<nil>' : JSON.stringify(v)}`);
  }

  /** go-yaml v2: every node decoded counts; those reached through an alias count as aliased. */
  private count(): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (this.aliasCount > 100 && this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      throw new YamlDecodeError('yaml: document contains excessive aliasing');
    }
  }
}

/** A plain `<<` key (the 1.1 merge tag resolves it to a symbol), or one tagged `!!merge`. */
function isMergeKey(node: YamlNode | null): boolean {
  if (!isScalar(node)) return false;
  if (typeof node.value === 'symbol') return true;
  return node.value === '<<' && node.tag === 'tag:yaml.org,2002:merge';
}

function scalar(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : new GoNumber(v.toString());
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new YamlDecodeError('json: unsupported value: NaN');
    if (!Number.isFinite(v)) throw new YamlDecodeError(`json: unsupported value: ${v > 0 ? '+Inf' : '-Inf'}`);
    return v;
  }
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  if (v === undefined) return null;
  return v;
}

/** sigs.k8s.io/yaml: a float key is `strconv.FormatFloat(f, 'g', -1, 32)`. */
function goFloatKey(v: number): string {
  const f = Math.fround(v);
  const s = String(f);
  return /e/.test(s) ? s.replace(/e([+-])(\d)$/, 'e$10$2') : s;
}

/** A key as Go's `%#v` prints it in go-yaml's duplicate-key message. */
function goKey(node: YamlNode | null): string {
  const v = isScalar(node) ? scalar(node.value) : null;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return '<nil>';
  return String(v instanceof GoNumber ? v.text : v);
}
