import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../src/api/codecs/yaml.js';

const fails = (text: string) => {
  try {
    parseYaml(text);
  } catch (e) {
    return (e as Error).message;
  }
  return 'parsed';
};

describe('YAML as sigs.k8s.io/yaml (go-yaml v2) turns it into JSON', () => {
  it('expands merge keys: a mapping, an alias, a list of aliases (earlier ones win), keys after the merge override', () => {
    const v = parseYaml(['base: &b {a: 1, z: 0}', 'other: &o {a: 2, q: 3}', 'one:', '  <<: *b', '  z: 9', 'many:', '  <<: [*b, *o]', 'inline:', '  <<: {k: v}'].join('\n')).value;
    expect(v).toEqual({ base: { a: 1, z: 0 }, other: { a: 2, q: 3 }, one: { a: 1, z: 9 }, many: { a: 1, z: 0, q: 3 }, inline: { k: 'v' } });
  });

  it('refuses a merge of something that is not a mapping with go-yaml\'s message', () => {
    expect(fails('a: &x 1\nm:\n  <<: *x\n')).toBe('yaml: map merge requires map or sequence of maps as the value');
  });

  it('resolves YAML 1.1 scalars as go-yaml v2: y/n/yes/off are booleans (keys too), 017 octal, dates and 12:30 stay strings', () => {
    const v = parseYaml('a: yes\nb: off\nn: 1\noct: 017\nhex: 0x1F\ndate: 2001-12-14\ntime: 12:30\nnum: 1e3\nnil: ~\n').value;
    expect(v).toEqual({ a: true, b: false, false: 1, oct: 15, hex: 31, date: '2001-12-14', time: '12:30', num: 1000, nil: null });
  });

  it('handles tags as go-yaml does for an interface{} target: !!str and !!binary honoured, unknown tags ignored', () => {
    expect(parseYaml('a: !!str 123\nb: !!binary aGVsbG8=\nc: !custom value\nd: !custom {x: 1}\n').value).toEqual({ a: '123', b: 'hello', c: 'value', d: { x: 1 } });
  });

  it('turns non-string keys into strings as sigs.k8s.io/yaml does', () => {
    expect(parseYaml('1: a\ntrue: b\n1.5: c\n').value).toEqual({ 1: 'a', true: 'b', '1.5': 'c' });
  });

  it('keeps the last of repeated keys and gives go-yaml\'s strict-mode error for the strict decoder', () => {
    const r = parseYaml('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\nkind: Pod\n');
    expect(r.value).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' } });
    expect(r.duplicateKeys).toBe('yaml: unmarshal errors:\n  line 5: key "name" already set in map\n  line 6: key "kind" already set in map');
  });

  it('reads only the first document, as yaml.Unmarshal does', () => {
    expect(parseYaml('a: 1\n---\nb: 2\n').value).toEqual({ a: 1 });
    expect(parseYaml('').value).toBeNull();
  });

  it.each([
    ['an alias of an anchor inside its own value', 'a: &a [*a]', "yaml: anchor 'a' value contains itself"],
    ['an unknown anchor', 'a: *nope', "yaml: unknown anchor 'nope' referenced"],
    ['.inf, which JSON cannot carry', 'a: .inf', 'json: unsupported value: +Inf'],
    ['.nan', 'a: .nan', 'json: unsupported value: NaN'],
    ['flow collections deeper than 10000 (go-yaml max_flow_level), on the first line', '['.repeat(10001), 'yaml: exceeded max depth of 10000'],
    ['… and on a later line', 'a:\n' + '['.repeat(10001), 'yaml: line 2: exceeded max depth of 10000'],
  ])('refuses %s', (_name, text, message) => {
    expect(fails(text)).toBe(message);
  });

  it('bounds alias expansion as go-yaml v2 does ("billion laughs")', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [p, q] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f'], ['h', 'g'], ['i', 'h']]) lines.push(`${p}: &${p} [${Array(9).fill(`*${q}`).join(',')}]`);
    expect(fails(lines.join('\n'))).toBe('yaml: document contains excessive aliasing');
  });

  it('expands a reasonable number of aliases', () => {
    expect(parseYaml('x: &x {a: 1}\nlist: [*x, *x, *x]\n').value).toEqual({ x: { a: 1 }, list: [{ a: 1 }, { a: 1 }, { a: 1 }] });
  });

  it('answers nesting deeper than it can read with a 4xx-able error, never a stack overflow', () => {
    expect(fails('['.repeat(3000) + ']'.repeat(3000))).toMatch(/^yaml: .*nested too deeply/);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('keeps %s as a plain key, merge keys and aliases included', (key) => {
    const v = parseYaml(`base: &b {${key}: {polluted: true}}\n${key}: {polluted: true}\nm:\n  <<: *b\n`).value as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['base', key, 'm']);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v.m as object)).toEqual([key]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
