/**
 * A small, bounded HTTP load generator in the manner of wrk: `connections` raw TCP connections
 * to the server, each sending one pre-serialized keep-alive request, reading the answer with a
 * minimal incremental HTTP/1.1 parser and sending again at once, for a fixed time. It records
 * every request's latency, counts answers with an unexpected status as errors, and reads the
 * server's CPU time from /proc so that throughput can be given per server CPU second.
 *
 * The hot loop avoids node:http on purpose: on a 2-core machine the generator shares the CPU with
 * the servers it measures, and node:http's client costs several times more per request than this.
 * One request is in flight per connection (no pipelining).
 */
import { request } from 'node:http';
import { type Socket, connect } from 'node:net';
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

/** How long past `durationMs` a connection may still wait for its last answer before the load fails. */
const GRACE_MS = 5000;
/** A response head larger than this is treated as a protocol error rather than buffered forever. */
const MAX_HEAD_BYTES = 64 * 1024;
/** Bytes of an unexpected answer's body kept for `firstError` (300 characters of UTF-8 at most). */
const ERROR_BODY_BYTES = 1200;

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const CR = 13;
const LF = 10;
const CONTENT_LENGTH = Buffer.from('content-length', 'latin1');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding', 'latin1');

/** Parser states; numbers so that the switch stays monomorphic. */
const enum St {
  Head,
  Body, // fixed length: `remaining` bytes left
  ChunkSize, // hex digits of a chunk-size line
  ChunkExt, // after the size: extensions up to CR
  ChunkSizeLf, // LF ending the size line
  ChunkData, // `remaining` bytes of chunk data left
  ChunkDataCr, // CR after chunk data
  ChunkDataLf, // LF after chunk data
  TrailerStart, // start of a trailer line (an empty line ends the message)
  TrailerLine, // inside a trailer line, up to LF
  TrailerEndLf, // LF of the empty line that ends the message
  Idle, // between responses (or after the last one)
}

/** Builds the request bytes once: request line, headers, blank line, body. */
function serializeRequest(spec: LoadSpec, host: string): Buffer {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    'content-length': String(spec.body.length),
    ...spec.headers,
  };
  const names = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  let head = `POST ${spec.path} HTTP/1.1\r\n`;
  if (!names.has('host')) head += `Host: ${host}\r\n`;
  for (const [k, v] of Object.entries(headers)) {
    if (/[\r\n]/.test(k) || /[\r\n]/.test(v)) throw new Error(`load: header ${JSON.stringify(k)} contains CR or LF`);
    head += `${k}: ${v}\r\n`;
  }
  if (!names.has('connection')) head += 'Connection: keep-alive\r\n';
  head += '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), spec.body]);
}

/** Whether `buf[start, start + name.length)` equals `name` (lower case ASCII), ignoring case. */
function nameIs(buf: Buffer, start: number, end: number, name: Buffer): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if ((buf[start + i]! | 0x20) !== name[i]) return false;
  return true;
}

/** Shared by all connections of one load run. */
interface Run {
  request: Buffer;
  expectStatus: number;
  end: number;
  latenciesMs: number[];
  errors: number;
  firstError: string | undefined;
  /** connections still running */
  active: number;
  failed: Error | undefined;
  finish(err?: Error): void;
}

/** One keep-alive connection and the state of the response being read on it. */
class Connection {
  readonly socket: Socket;
  private state = St.Idle;
  private t0 = 0;
  private status = 0;
  private remaining = 0;
  /** hex digits read so far on the current chunk-size line */
  private sizeDigits = 0;
  /** head bytes received so far when the head spans several 'data' events */
  private pendingHead: Buffer | undefined;
  /** body bytes of an unexpected answer, kept for `firstError` */
  private errorBody: Buffer[] | undefined;
  private errorBodyBytes = 0;
  private responses = 0;
  done = false;

  constructor(
    private readonly run: Run,
    private readonly id: number,
    host: string,
    port: number,
  ) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => this.fail(`load: connection ${this.id}: ${err.message}`));
    this.socket.on('close', () => {
      if (this.done) return;
      const when = this.state === St.Idle ? 'between responses' : this.state === St.Head && !this.pendingHead ? 'while a request was waiting for its response' : 'in the middle of a response';
      this.fail(`load: the server closed connection ${this.id} ${when}, after ${this.responses} complete responses`);
    });
    this.send();
  }

  /** The state of this connection, for the timeout message. */
  describe(): string {
    return `connection ${this.id}: ${this.state === St.Head ? 'no complete response head' : 'response body incomplete'} after ${this.responses} responses`;
  }

  private send(): void {
    this.state = St.Head;
    this.t0 = performance.now();
    this.socket.write(this.run.request);
  }

  private fail(message: string): void {
    if (this.done) return;
    this.done = true;
    this.run.finish(new Error(message));
  }

  private onData(chunk: Buffer): void {
    if (this.done) return;
    let pos = 0;
    const len = chunk.length;
    while (pos < len) {
      switch (this.state) {
        case St.Head: {
          let buf = chunk;
          let from = pos;
          if (this.pendingHead) {
            buf = Buffer.concat([this.pendingHead, chunk.subarray(pos)]);
            from = 0;
          }
          // a CRLFCRLF straddling two events is found because the search covers the joined bytes
          const at = buf.indexOf(CRLFCRLF, from);
          if (at < 0) {
            if (buf.length - from > MAX_HEAD_BYTES) return this.fail(`load: connection ${this.id}: response head longer than ${MAX_HEAD_BYTES} bytes`);
            this.pendingHead = from === 0 && buf !== chunk ? buf : Buffer.from(buf.subarray(from));
            return;
          }
          const headEnd = at + 4;
          const hasBody = this.parseHead(buf, from, at);
          if (hasBody === undefined) return;
          // continue in `chunk` right after the head
          pos = this.pendingHead ? headEnd - this.pendingHead.length + pos : headEnd;
          this.pendingHead = undefined;
          if (!hasBody) {
            this.complete();
            if (pos !== len) return this.fail(`load: connection ${this.id}: ${len - pos} unexpected bytes after a response`);
            return;
          }
          break;
        }
        case St.Body:
        case St.ChunkData: {
          const n = Math.min(this.remaining, len - pos);
          if (this.errorBody) this.keepErrorBody(chunk, pos, pos + n);
          pos += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            if (this.state === St.ChunkData) this.state = St.ChunkDataCr;
            else {
              this.complete();
              if (pos !== len) return this.fail(`load: connection ${this.id}: ${len - pos} unexpected bytes after a response`);
              return;
            }
          }
          break;
        }
        case St.ChunkSize: {
          const c = chunk[pos++]!;
          const v = c >= 48 && c <= 57 ? c - 48 : (c | 0x20) >= 97 && (c | 0x20) <= 102 ? (c | 0x20) - 87 : -1;
          if (v >= 0) {
            this.sizeDigits++;
            this.remaining = this.remaining * 16 + v;
            if (this.remaining > Number.MAX_SAFE_INTEGER / 16) return this.fail(`load: connection ${this.id}: chunk size too large`);
          } else if (this.sizeDigits > 0 && c === CR) this.state = St.ChunkSizeLf;
          else if (this.sizeDigits > 0 && (c === 59 /* ; */ || c === 32 || c === 9)) this.state = St.ChunkExt;
          else return this.fail(`load: connection ${this.id}: bad chunk size byte 0x${c.toString(16)}`);
          break;
        }
        case St.ChunkExt: {
          const cr = chunk.indexOf(CR, pos);
          if (cr < 0) pos = len;
          else {
            pos = cr + 1;
            this.state = St.ChunkSizeLf;
          }
          break;
        }
        case St.ChunkSizeLf:
          if (chunk[pos++] !== LF) return this.fail(`load: connection ${this.id}: chunk size line not ended by CRLF`);
          this.state = this.remaining > 0 ? St.ChunkData : St.TrailerStart;
          break;
        case St.ChunkDataCr:
          if (chunk[pos++] !== CR) return this.fail(`load: connection ${this.id}: chunk data not followed by CRLF`);
          this.state = St.ChunkDataLf;
          break;
        case St.ChunkDataLf:
          if (chunk[pos++] !== LF) return this.fail(`load: connection ${this.id}: chunk data not followed by CRLF`);
          this.state = St.ChunkSize;
          this.remaining = 0;
          this.sizeDigits = 0;
          break;
        case St.TrailerStart:
          this.state = chunk[pos++] === CR ? St.TrailerEndLf : St.TrailerLine;
          break;
        case St.TrailerLine: {
          const lf = chunk.indexOf(LF, pos);
          if (lf < 0) pos = len;
          else {
            pos = lf + 1;
            this.state = St.TrailerStart;
          }
          break;
        }
        case St.TrailerEndLf:
          if (chunk[pos++] !== LF) return this.fail(`load: connection ${this.id}: chunked body not ended by CRLF`);
          this.complete();
          if (pos !== len) return this.fail(`load: connection ${this.id}: ${len - pos} unexpected bytes after a response`);
          return;
        case St.Idle:
          return this.fail(`load: connection ${this.id}: ${len - pos} bytes arrived with no request outstanding`);
      }
    }
  }

  /**
   * Reads the status code and how the body is delimited from `buf[start, crlfcrlf)` and sets the
   * state for the body. Returns whether a body follows, or undefined after failing the run.
   */
  private parseHead(buf: Buffer, start: number, crlfcrlf: number): boolean | undefined {
    // "HTTP/1.x SSS ..."
    const s = start + 9;
    if (crlfcrlf - start < 12 || buf[start] !== 72 /* H */ || buf[start + 4] !== 47 /* / */ || buf[s - 1] !== 32) {
      this.fail(`load: connection ${this.id}: not an HTTP response: ${JSON.stringify(buf.toString('latin1', start, Math.min(crlfcrlf, start + 40)))}`);
      return undefined;
    }
    const d0 = buf[s]! - 48;
    const d1 = buf[s + 1]! - 48;
    const d2 = buf[s + 2]! - 48;
    const status = d0 * 100 + d1 * 10 + d2;
    if (d0 < 1 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) {
      this.fail(`load: connection ${this.id}: bad status line ${JSON.stringify(buf.toString('latin1', start, buf.indexOf(CR, start)))}`);
      return undefined;
    }
    this.status = status;
    let contentLength = -1;
    let chunked = false;
    // header lines: each starts after a CRLF and ends at the next one (the last one at crlfcrlf)
    let line = buf.indexOf(LF, start) + 1;
    while (line > 0 && line < crlfcrlf + 2) {
      let eol = buf.indexOf(CR, line);
      if (eol < 0 || eol > crlfcrlf) eol = crlfcrlf;
      const colon = buf.indexOf(58 /* : */, line);
      if (colon > 0 && colon < eol) {
        const c0 = buf[line]! | 0x20;
        if (c0 === 99 /* c */ && nameIs(buf, line, colon, CONTENT_LENGTH)) {
          let v = 0;
          let digits = 0;
          for (let i = colon + 1; i < eol; i++) {
            const c = buf[i]!;
            if (c >= 48 && c <= 57) {
              v = v * 10 + (c - 48);
              digits++;
            } else if (c !== 32 && c !== 9) {
              digits = -1;
              break;
            }
          }
          if (digits <= 0 || (contentLength >= 0 && contentLength !== v)) {
            this.fail(`load: connection ${this.id}: bad content-length ${JSON.stringify(buf.toString('latin1', colon + 1, eol))}`);
            return undefined;
          }
          contentLength = v;
        } else if (c0 === 116 /* t */ && nameIs(buf, line, colon, TRANSFER_ENCODING)) {
          // rare path: a string is fine here; chunked must be the last coding
          chunked = /(?:^|,)\s*chunked\s*$/i.test(buf.toString('latin1', colon + 1, eol));
        }
      }
      line = eol + 2;
    }

    if (status !== this.run.expectStatus && this.run.firstError === undefined) {
      this.errorBody = [];
      this.errorBodyBytes = 0;
    }
    if (status < 200 || status === 204 || status === 304) {
      if (status < 200) {
        this.fail(`load: connection ${this.id}: unexpected interim response ${status}`);
        return undefined;
      }
      return false;
    } else if (chunked) {
      this.state = St.ChunkSize;
      this.remaining = 0;
      this.sizeDigits = 0;
    } else if (contentLength > 0) {
      this.state = St.Body;
      this.remaining = contentLength;
    } else if (contentLength === 0) {
      return false;
    } else {
      this.fail(`load: connection ${this.id}: ${status} response with neither content-length nor chunked encoding (a body delimited by close is not supported)`);
      return undefined;
    }
    return true;
  }

  private keepErrorBody(chunk: Buffer, from: number, to: number): void {
    const n = Math.min(to - from, ERROR_BODY_BYTES - this.errorBodyBytes);
    if (n <= 0) return;
    this.errorBody!.push(Buffer.from(chunk.subarray(from, from + n)));
    this.errorBodyBytes += n;
  }

  /** A whole response has been read: record it, then send again or stop. */
  private complete(): void {
    const now = performance.now();
    const run = this.run;
    run.latenciesMs.push(now - this.t0);
    this.responses++;
    this.state = St.Idle;
    if (this.status !== run.expectStatus) {
      run.errors++;
      if (run.firstError === undefined) run.firstError = `${this.status}: ${Buffer.concat(this.errorBody ?? []).toString('utf8').slice(0, 300)}`;
      this.errorBody = undefined;
    }
    if (now < run.end && run.failed === undefined) this.send();
    else {
      this.done = true;
      run.active--;
      if (run.active === 0) run.finish();
    }
  }
}

/** Sends `spec` for `spec.durationMs`; `perCpuS` is per CPU second of the server process. */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url);
  if (url.protocol !== 'http:') throw new Error(`load: only http: URLs are supported, not ${spec.url}`);
  const port = Number(url.port || 80);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const requestBytes = serializeRequest(spec, url.host);

  let ok!: () => void;
  let fail!: (err: Error) => void;
  const finished = new Promise<void>((resolve, reject) => {
    ok = resolve;
    fail = reject;
  });
  const cpu0 = processCpuSeconds(spec.pid);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const run: Run = {
    request: requestBytes,
    expectStatus: spec.expectStatus,
    end: t0 + spec.durationMs,
    latenciesMs: [],
    errors: 0,
    firstError: undefined,
    active: spec.connections,
    failed: undefined,
    finish(err) {
      if (run.failed) return;
      if (err) {
        run.failed = err;
        fail(err);
      } else ok();
    },
  };
  const connections: Connection[] = [];
  const timer = setTimeout(() => {
    const stuck = connections.filter((c) => !c.done);
    run.finish(new Error(`load: ${stuck.length} of ${spec.connections} connections to ${spec.url}${spec.path} got no complete response within ${spec.durationMs} ms + ${GRACE_MS} ms (${stuck.slice(0, 3).map((c) => c.describe()).join('; ')})`));
  }, spec.durationMs + GRACE_MS);
  try {
    for (let i = 0; i < spec.connections; i++) connections.push(new Connection(run, i, hostname, port));
    if (spec.connections <= 0) ok();
    await finished;
  } finally {
    clearTimeout(timer);
    for (const c of connections) {
      c.done = true;
      c.socket.destroy();
    }
  }
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = processCpuSeconds(spec.pid) - cpu0;
  const client = process.cpuUsage(client0);
  const ops = run.latenciesMs.length;
  const firstError = run.firstError;
  return { ops, wallS, cpuS, perS: ops / wallS, perCpuS: ops / Math.max(cpuS, 0.01), errors: run.errors, latenciesMs: run.latenciesMs, clientCpuS: (client.user + client.system) / 1e6, ...(firstError ? { firstError } : {}) };
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
