import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import request from 'supertest';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type express from 'express';
import type { Emulator } from '../../src/emulator.js';
import { routeTemplates } from '../../src/api/router.js';
import { RESOURCES } from '../../src/registry/kinds.js';
import { admin, appFixture } from '../helpers/app.js';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: object }>; $ref?: string }>;
}
const spec = parse(readFileSync(resolve(__dirname, '..', '..', 'openapi.yaml'), 'utf8')) as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object>; responses: Record<string, { content: Record<string, { schema: object }> }> } };

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'openapi', components: spec.components }, 'openapi');
const compile = (schema: object) => ajv.compile({ $ref: undefined, ...JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi#/components/')) });

let emu: Emulator;
let app: express.Express;
beforeAll(async () => {
  ({ emu, app } = await appFixture());
});
afterAll(() => emu.close());

const norm = (p: string) => p.replace(/\{[^}]+\}/g, '{}').replace(/[:*][A-Za-z]+/g, '{}');

const SAMPLE: Record<string, string> = { namespace: 'default', group: 'rbac.authorization.k8s.io', version: 'v1', path: 'api/v1' };
function concrete(template: string): string {
  return template.replace(/\{(\w+)\}/g, (_m, k: string) => SAMPLE[k] ?? (template.includes('serviceaccounts/{name}') ? 'build-robot' : 'openapi-probe'));
}

describe('openapi.yaml and the server stay in step', () => {
  it('documents every route the router answers', () => {
    const documented = new Set(Object.keys(spec.paths).map(norm));
    const patterns = routeTemplates();
    expect(patterns.length).toBeGreaterThan(10);
    for (const p of patterns) expect(documented, `route ${p} is missing from openapi.yaml`).toContain(norm(p));
    for (const r of RESOURCES) {
      const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
      const coll = r.namespaced ? `${base}/namespaces/{namespace}/${r.resource}` : `${base}/${r.resource}`;
      expect(spec.paths[coll], coll).toBeDefined();
      expect(spec.paths[`${coll}/{name}`], `${coll}/{name}`).toBeDefined();
    }
  });

  const cases = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => [`${m.toUpperCase()} ${path}`, path, m] as const));
  it.each(cases)('%s answers a documented status with a body matching its schema', async (_n, path, method) => {
    const url = concrete(path);
    let req = request(app)[method as 'get'](url).set(admin);
    if (method === 'patch') req = req.set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"labels":{"probe":"x"}}}');
    else if (method === 'post' || method === 'put') req = req.send(url.endsWith('/token') ? { spec: {} } : url.includes('reviews') ? { spec: { token: 'x', resourceAttributes: { verb: 'get', resource: 'pods' }, namespace: 'default', user: 'u' } } : { metadata: { name: 'openapi-probe' } });
    const res = await req;
    const op = spec.paths[path]![method]!;
    const documented = op.responses[String(res.status)];
    expect(documented, `${method} ${url} answered ${res.status}: ${res.text.slice(0, 300)}`).toBeDefined();
    const resp = documented!.$ref ? spec.components.responses[documented!.$ref.split('/').pop()!]! : documented!;
    if (!resp.content) return;
    const ct = String(res.headers['content-type'] ?? '').split(';')[0]!;
    const media = resp.content[ct] ?? resp.content[Object.keys(resp.content).find((k) => k.startsWith(ct)) ?? ''] ?? Object.values(resp.content)[0]!;
    if (ct === 'text/plain') return;
    const validate = compile(media.schema);
    const body = res.body && Object.keys(res.body).length ? res.body : JSON.parse(res.text || 'null');
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  });
});
