import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type express from 'express';
import type { Emulator } from '../../src/emulator.js';
import { admin, appFixture, jane } from '../helpers/app.js';

let emu: Emulator;
let app: express.Express;
beforeAll(async () => {
  ({ emu, app } = await appFixture());
});
afterAll(() => emu.close());

const metric = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"|.]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 'NaN');
const scrape = async () => (await request(app).get('/metrics').set(admin)).text;

describe('GET /metrics', () => {
  it('answers system:masters in the Prometheus text format', async () => {
    const res = await request(app).get('/metrics').set(admin);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.text).toMatch(/^# HELP serviceaccount_legacy_tokens_total \[ALPHA\] Cumulative legacy service account tokens used\n# TYPE serviceaccount_legacy_tokens_total counter\nserviceaccount_legacy_tokens_total \d+\n/);
  });

  it('is forbidden, as a non-resource URL, to a user without a grant', async () => {
    const res = await request(app).get('/metrics').set(jane);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('forbidden: User "jane" cannot get path "/metrics"');
  });

  it('counts valid and stale bound tokens, per service account too, as TokenReviews see them', async () => {
    const tr = await emu.requestToken('default', 'build-robot', { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', name: 'web-0' } });
    const before = await scrape();
    const review = () => request(app).post('/apis/authentication.k8s.io/v1/tokenreviews').set(admin).send({ spec: { token: tr.status.token } });
    expect((await review()).body.status.authenticated).toBe(true);
    await emu.clock.advance(3608_000);
    expect((await review()).body.status.authenticated).toBe(true);
    expect((await review()).body.status.authenticated).toBe(true);
    const after = await scrape();
    const d = (s: string) => metric(after, s) - (metric(before, s) || 0);
    expect(d('serviceaccount_valid_tokens_total')).toBe(1);
    expect(d('serviceaccount_stale_tokens_total')).toBe(2);
    expect(d('satoken_serviceaccount_valid_tokens_total{namespace="default",serviceaccount="build-robot"}')).toBe(1);
    expect(d('satoken_serviceaccount_stale_tokens_total{namespace="default",serviceaccount="build-robot"}')).toBe(2);
  });

  it('counts legacy tokens, per service account too, when they are used against the API', async () => {
    const token = await emu.createLegacyToken('default', 'build-robot', 'robot-token');
    const before = await scrape();
    expect((await request(app).get('/api/v1/namespaces/default/pods').set({ Authorization: `Bearer ${token}` })).status).toBe(403);
    const after = await scrape();
    expect(metric(after, 'serviceaccount_legacy_tokens_total') - metric(before, 'serviceaccount_legacy_tokens_total')).toBe(1);
    expect(metric(after, 'satoken_serviceaccount_legacy_tokens_total{namespace="default",serviceaccount="build-robot"}')).toBeGreaterThanOrEqual(1);
  });

  it('counts requests by verb, resource, scope and code', async () => {
    await request(app).get('/api/v1/namespaces/default/serviceaccounts').set(admin);
    await request(app).get('/api/v1/namespaces/default/serviceaccounts/nope').set(admin);
    await request(app).get('/api/v1/namespaces/default/pods').set({ Authorization: 'Bearer wrong' });
    const text = await scrape();
    expect(metric(text, 'apiserver_request_total{verb="LIST",dry_run="",group="",version="v1",resource="serviceaccounts",subresource="",scope="namespace",component="apiserver",code="200"}')).toBe(1);
    expect(metric(text, 'apiserver_request_total{verb="GET",dry_run="",group="",version="v1",resource="serviceaccounts",subresource="",scope="resource",component="apiserver",code="404"}')).toBe(1);
    expect(metric(text, 'apiserver_request_total{verb="LIST",dry_run="",group="",version="v1",resource="pods",subresource="",scope="namespace",component="apiserver",code="401"}')).toBe(1);
  });
});
