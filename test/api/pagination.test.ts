import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type express from 'express';
import type { Emulator } from '../../src/emulator.js';
import { INCONSISTENT_CONTINUE } from '../../src/registry/pagination.js';
import { admin, appFixture } from '../helpers/app.js';

let emu: Emulator;
let app: express.Express;

const NS = 'paging';
const SA = `/api/v1/namespaces/${NS}/serviceaccounts`;
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

interface Meta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}
interface List {
  kind: string;
  metadata: Meta;
  items: Array<{ metadata: { name: string; namespace?: string } }>;
}

const names = (l: List) => l.items.map((i) => i.metadata.name);
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const token = (t: string) => JSON.parse(Buffer.from(t, 'base64url').toString('utf8')) as { v: string; rv: number; start: string };

async function get(path: string): Promise<List> {
  const res = await request(app).get(path).set(admin);
  expect(res.status, res.text).toBe(200);
  return res.body as List;
}

/** Follows `continue` from `path` (which has its own query), starting at `from`, and returns every page. */
async function pages(path: string, from?: string): Promise<List[]> {
  const out: List[] = [];
  let next = from;
  do {
    out.push(await get(next ? `${path}&continue=${encodeURIComponent(next)}` : path));
    next = out.at(-1)!.metadata.continue;
  } while (next);
  return out;
}

async function createSA(name: string, labels?: Record<string, string>, ns = NS): Promise<void> {
  await request(app).post(`/api/v1/namespaces/${ns}/serviceaccounts`).set(admin).send({ metadata: { name, ...(labels ? { labels } : {}) } }).expect(201);
}

beforeAll(async () => {
  ({ emu, app } = await appFixture());
  for (const ns of [NS, 'paging-b']) await request(app).post('/api/v1/namespaces').set(admin).send({ metadata: { name: ns } }).expect(201);
  // created out of order: lists are sorted by key, not by creation
  for (const i of [7, 2, 9, 0, 5, 3, 8, 1, 6, 4]) await createSA(`sa-${i}`, { parity: i % 2 ? 'odd' : 'even' });
  for (const i of [1, 2, 3]) await createSA(`b-${i}`, undefined, 'paging-b');
});
afterAll(() => emu.close());

describe('list pagination (?limit and ?continue)', () => {
  it('cuts a list into pages that cover every item once, in key order, at the first page resourceVersion', async () => {
    const all = await get(SA);
    expect(all.metadata.continue).toBeUndefined();
    expect(names(all)).toEqual([...names(all)].sort());
    expect(names(all)).toEqual(expect.arrayContaining(['sa-0', 'sa-9', 'default']));
    const total = all.items.length;
    const ps = await pages(`${SA}?limit=3`);
    expect(ps.map((p) => p.items.length)).toEqual([3, 3, 3, total - 9]);
    expect(ps.flatMap(names)).toEqual(names(all));
    // remainingItemCount: what is left after each page; absent on the last
    expect(ps.map((p) => p.metadata.remainingItemCount)).toEqual([total - 3, total - 6, total - 9, undefined]);
    expect(ps.at(-1)!.metadata).toEqual({ resourceVersion: ps[0]!.metadata.resourceVersion });
    expect(new Set(ps.map((p) => p.metadata.resourceVersion))).toEqual(new Set([all.metadata.resourceVersion]));
    expect(ps[0]!.kind).toBe('ServiceAccountList');
    expect(Object.keys(ps[0]!.metadata)).toEqual(['resourceVersion', 'continue', 'remainingItemCount']);
  });

  it('encodes continue like Kubernetes: base64url JSON {v, rv, start}, start relative to the list prefix', async () => {
    const first = await get(`${SA}?limit=2`);
    const t = first.metadata.continue!;
    expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(t, 'base64url').toString('utf8')).toBe(`{"v":"meta.k8s.io/v1","rv":${first.metadata.resourceVersion},"start":"${names(first)[1]}\\u0000"}`);
    const everywhere = await get('/api/v1/serviceaccounts?limit=1');
    const only = everywhere.items[0]!.metadata;
    expect(token(everywhere.metadata.continue!).start).toBe(`${only.namespace}/${only.name}\u0000`);
    const cluster = await get('/api/v1/namespaces?limit=1');
    expect(token(cluster.metadata.continue!).start).toBe(`${names(cluster)[0]}\u0000`);
  });

  it('pages all-namespaces and cluster-scoped lists the same way', async () => {
    for (const path of ['/api/v1/serviceaccounts', '/api/v1/namespaces', '/apis/rbac.authorization.k8s.io/v1/clusterroles']) {
      const all = await get(path);
      const ps = await pages(`${path}?limit=4`);
      expect(ps.flatMap(names), path).toEqual(names(all));
      expect(ps.flatMap((p) => p.items.map((i) => `${i.metadata.namespace ?? ''}/${i.metadata.name}`)), path).toEqual(all.items.map((i) => `${i.metadata.namespace ?? ''}/${i.metadata.name}`));
      expect(ps.length, path).toBe(Math.ceil(all.items.length / 4));
    }
  });

  it('returns everything, without continue, when limit is absent, zero, negative, or at least the total', async () => {
    const all = await get(SA);
    for (const q of ['', '?limit=0', '?limit=-5', `?limit=${all.items.length}`, '?limit=1000']) {
      const l = await get(`${SA}${q}`);
      expect(names(l), q).toEqual(names(all));
      expect(l.metadata, q).toEqual({ resourceVersion: all.metadata.resourceVersion });
    }
  });

  it('answers a limit that is not an integer with 400 and Go strconv message', async () => {
    const bad = await request(app).get(`${SA}?limit=ten`).set(admin);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'strconv.ParseInt: parsing "ten": invalid syntax', code: 400 });
    expect((await request(app).get(`${SA}?limit=99999999999999999999`).set(admin)).body.message).toBe('strconv.ParseInt: parsing "99999999999999999999": value out of range');
  });

  it('fills pages up to limit with matching items when a selector filters, without remainingItemCount', async () => {
    const even = await pages(`${SA}?labelSelector=parity%3Deven&limit=2`);
    expect(even.flatMap(names)).toEqual(['sa-0', 'sa-2', 'sa-4', 'sa-6', 'sa-8']);
    expect(even.map((p) => p.items.length)).toEqual([2, 2, 1]);
    for (const p of even) expect(p.metadata.remainingItemCount).toBeUndefined();
    expect(even[0]!.metadata.continue).toBeDefined();
    // a page that fills up says "more" when any key follows, matching or not: the last page is then empty
    const five = await pages(`${SA}?labelSelector=parity%3Deven&limit=5`);
    expect(five.map(names)).toEqual([['sa-0', 'sa-2', 'sa-4', 'sa-6', 'sa-8'], []]);
    expect(five[0]!.metadata.continue).toBeDefined();
    // nothing after the last odd one (sa-9 is the last key): no continue
    expect((await get(`${SA}?labelSelector=parity%3Dodd&limit=5`)).metadata.continue).toBeUndefined();
    const fields = await pages(`${SA}?fieldSelector=metadata.name!%3Dsa-3&limit=4`);
    expect(fields.flatMap(names)).toEqual(names(await get(`${SA}?fieldSelector=metadata.name!%3Dsa-3`)));
    expect(fields[0]!.metadata.remainingItemCount).toBeUndefined();
  });

  it('serves later pages from the first page state: objects created or deleted meanwhile do not show, or vanish', async () => {
    const first = await get(`${SA}?limit=3`);
    const before = names(await get(SA));
    await createSA('sa-10'); // sorts after sa-1, on a later page
    await createSA('zz-late');
    await request(app).delete(`${SA}/sa-8`).set(admin).expect(200);
    const rest = await pages(`${SA}?limit=3`, first.metadata.continue);
    expect([...names(first), ...rest.flatMap(names)]).toEqual(before);
    for (const p of rest) expect(p.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const now = await get(SA);
    expect(names(now)).toEqual(expect.arrayContaining(['sa-10', 'zz-late']));
    expect(names(now)).not.toContain('sa-8');
    expect(Number(now.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    await createSA('sa-8');
  });

  it('still continues consistently once the snapshot is gone if the resource has not changed since', async () => {
    const first = await get(`${SA}?limit=4`);
    await emu.clock.advance(6 * 60_000);
    const rest = await pages(`${SA}?limit=4`, first.metadata.continue);
    expect([...names(first), ...rest.flatMap(names)]).toEqual(names(await get(SA)));
    expect(rest[0]!.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
  });

  it('answers 410 Expired with an inconsistent-continue token when the first page state is gone and things changed', async () => {
    const first = await get(`${SA}?limit=4`);
    await emu.clock.advance(6 * 60_000); // snapshots live five minutes, as etcd revisions between compactions
    await createSA('sa-11');
    await request(app).delete(`${SA}/sa-9`).set(admin).expect(200);
    const gone = await request(app).get(`${SA}?limit=4&continue=${first.metadata.continue}`).set(admin);
    expect(gone.status).toBe(410);
    expect(gone.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: { continue: gone.body.metadata.continue }, status: 'Failure', message: INCONSISTENT_CONTINUE, reason: 'Expired', code: 410 });
    const t = token(gone.body.metadata.continue);
    expect(t).toEqual({ v: 'meta.k8s.io/v1', rv: -1, start: token(first.metadata.continue!).start });
    // the -1 token resumes by key at the current state, and the pages say so with the current resourceVersion
    const rest = await pages(`${SA}?limit=4`, gone.body.metadata.continue);
    const now = await get(SA);
    expect(rest.flatMap(names)).toEqual(names(now).filter((n) => n > names(first).at(-1)!));
    expect(rest.flatMap(names)).toContain('sa-11');
    expect(rest[0]!.metadata.resourceVersion).toBe(now.metadata.resourceVersion);
    await createSA('sa-9', { parity: 'odd' });
  });

  it('answers a continue token from a revision the server has not reached with 504', async () => {
    const res = await request(app).get(`${SA}?limit=2&continue=${b64('{"v":"meta.k8s.io/v1","rv":999999,"start":"a"}')}`).set(admin);
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({ reason: 'Timeout', message: expect.stringMatching(/^Timeout: Too large resource version: 999999, current: \d+$/), details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] } });
  });

  it.each([
    ['bad base64', 'not-base64!', 'continue key is not valid: illegal base64 data at input byte 10'],
    ['padding', Buffer.from('{"v":1}').toString('base64'), 'continue key is not valid: illegal base64 data at input byte 10'],
    ['a lone last character', 'eyJ2I', 'continue key is not valid: illegal base64 data at input byte 4'],
    ['not JSON', b64('hello'), "continue key is not valid: invalid character 'h' looking for beginning of value"],
    ['truncated JSON', b64('{"v":"meta.k8s.io/v1",'), 'continue key is not valid: unexpected end of JSON input'],
    ['a JSON array', b64('[1]'), 'continue key is not valid: json: cannot unmarshal array into Go value of type storage.continueToken'],
    ['a mistyped version', b64('{"v":1}'), 'continue key is not valid: json: cannot unmarshal number into Go struct field continueToken.v of type string'],
    ['a mistyped rv', b64('{"v":"meta.k8s.io/v1","rv":"5","start":"a"}'), 'continue key is not valid: json: cannot unmarshal string into Go struct field continueToken.rv of type int64'],
    ['an unknown version', b64('{"v":"meta.k8s.io/v2","rv":5,"start":"a"}'), 'continue key is not valid: server does not recognize this encoded version meta.k8s.io/v2'],
    ['rv 0', b64('{"v":"meta.k8s.io/v1","rv":0,"start":"a"}'), 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'],
    ['no start key', b64('{"v":"meta.k8s.io/v1","rv":5}'), 'continue key is not valid: encoded start key empty (version meta.k8s.io/v1)'],
    ['a start key climbing out of the prefix', b64('{"v":"meta.k8s.io/v1","rv":5,"start":"../secrets/x"}'), 'continue key is not valid: ../secrets/x'],
  ])('answers a continue token with %s with 400 and Kubernetes message', async (_n, t, message) => {
    const res = await request(app).get(`${SA}?limit=2&continue=${encodeURIComponent(t)}`).set(admin);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `invalid continue token: ${message}`, reason: 'BadRequest', code: 400 });
  });

  it('refuses continue together with a resourceVersion (other than 0), after checking the token', async () => {
    const first = await get(`${SA}?limit=2`);
    const both = await request(app).get(`${SA}?limit=2&continue=${first.metadata.continue}&resourceVersion=${first.metadata.resourceVersion}`).set(admin);
    expect(both.status).toBe(400);
    expect(both.body).toMatchObject({ reason: 'BadRequest', message: 'specifying resource version is not allowed when using continue' });
    expect((await request(app).get(`${SA}?limit=2&continue=${first.metadata.continue}&resourceVersion=0`).set(admin)).status).toBe(200);
    expect((await request(app).get(`${SA}?limit=2&continue=x&resourceVersion=5`).set(admin)).body.message).toBe('invalid continue token: continue key is not valid: illegal base64 data at input byte 0');
  });

  it('continues without limit: the rest of the list in one answer', async () => {
    const first = await get(`${SA}?limit=2`);
    const rest = await get(`${SA}?continue=${first.metadata.continue}`);
    expect([...names(first), ...names(rest)]).toEqual(names(await get(SA)));
    expect(rest.metadata).toEqual({ resourceVersion: first.metadata.resourceVersion });
  });

  it('pages Tables (kubectl get) with continue and remainingItemCount in the Table metadata', async () => {
    const all = await get(SA);
    const rows: string[] = [];
    let next: string | undefined;
    let count = 0;
    do {
      const res = await request(app).get(`${SA}?limit=4${next ? `&continue=${next}` : ''}`).set(admin).set('Accept', TABLE);
      expect(res.body.kind).toBe('Table');
      expect(Object.keys(res.body)).toEqual(['kind', 'apiVersion', 'metadata', 'columnDefinitions', 'rows']);
      expect(res.body.rows.length).toBeLessThanOrEqual(4);
      rows.push(...res.body.rows.map((r: { cells: string[] }) => r.cells[0]));
      next = res.body.metadata.continue;
      if (next) expect(res.body.metadata.remainingItemCount).toBe(all.items.length - rows.length);
      expect(res.body.metadata.resourceVersion).toBe(all.metadata.resourceVersion);
      count++;
    } while (next);
    expect(rows).toEqual(names(all));
    expect(count).toBe(Math.ceil(all.items.length / 4));
  });

  it('pages when the client prefers protobuf (answered as JSON, which clients accept through */*)', async () => {
    const res = await request(app).get(`${SA}?limit=2`).set(admin).set('Accept', 'application/vnd.kubernetes.protobuf,*/*');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.items).toHaveLength(2);
    expect(res.body.metadata.continue).toBeDefined();
  });
});
