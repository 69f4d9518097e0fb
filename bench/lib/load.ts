/**
 * A small, bounded HTTP load generator (in the spirit of wrk and autocannon): `connections`
 * keep-alive connections to 127.0.0.1, each sending the same request again as soon as the answer
 * is read, for a fixed time. It records every request's latency, counts answers with an
 * unexpected status as errors, and reads the server's CPU time from /proc so that throughput can
 * be given per server CPU second.
 */
import { Agent, request } from 'node:http';
import { processCpuSeconds } from './processes.js';
import { quantile, type Rate } from './measure.js';

export interface LoadSpec {
  url: string;
  path: string;
  headers?: Record<string, string>;
  body: Buffer;
  expectStatus: number;
  connections: number;
  durationMs: number;
  /** the server's pid, to measure its CPU time */
  pid: number;
}

export interface LoadResult extends Rate {
  errors: number;
  /** latencies in milliseconds, in completion order */
  latenciesMs: number[];
  /** the first unexpected answer, for the report */
  firstError?: string;
  /** CPU seconds this process (the load generator) used meanwhile */
  clientCpuS: number;
}

/** Sends `spec` for `spec.durationMs`; `perCpuS` is per CPU second of the server process. */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  const { hostname, port } = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections, maxFreeSockets: spec.connections });
  const headers = { 'content-type': 'application/json', accept: 'application/json', 'content-length': String(spec.body.length), ...spec.headers };
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const once = () =>
    new Promise<void>((ok, fail) => {
      const t0 = performance.now();
      const req = request({ host: hostname, port: Number(port), path: spec.path, method: 'POST', headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          latenciesMs.push(performance.now() - t0);
          if (res.statusCode !== spec.expectStatus) {
            errors++;
            firstError ??= `${res.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`;
          }
          ok();
        });
        res.on('error', fail);
      });
      req.on('error', fail);
      req.end(spec.body);
    });

  const cpu0 = processCpuSeconds(spec.pid);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + spec.durationMs;
  await Promise.all(
    Array.from({ length: spec.connections }, async () => {
      while (performance.now() < end) await once();
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = processCpuSeconds(spec.pid) - cpu0;
  const client = process.cpuUsage(client0);
  agent.destroy();
  const ops = latenciesMs.length;
  return { ops, wallS, cpuS, perS: ops / wallS, perCpuS: ops / Math.max(cpuS, 0.01), errors, latenciesMs, clientCpuS: (client.user + client.system) / 1e6, ...(firstError ? { firstError } : {}) };
}

/** p50 and p99 in milliseconds over several runs. */
export function latency(runs: readonly LoadResult[]): { p50: number; p99: number } {
  const all = runs.flatMap((r) => r.latenciesMs);
  return { p50: quantile(all, 0.5), p99: quantile(all, 0.99) };
}

/** One POST outside of a load run (set-up requests), resolving to status and parsed JSON body. */
export function postJson(url: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: unknown }> {
  return call('POST', url, path, body, token);
}

/** One request outside of a load run, resolving to status and parsed JSON body. */
export function call(method: string, url: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(url);
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((ok, fail) => {
    const req = request(
      {
        host: hostname,
        port: Number(port),
        path,
        method,
        headers: { accept: 'application/json', ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          ok({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(data);
  });
}
