/**
 * `satoken audit`: who did what with which token, from an audit log or a live server.
 * - `satoken audit FILE...` reads audit logs (one audit.k8s.io/v1 Event per line, as
 *   `--audit-log-path` writes them; rotated `.gz` files too; `-` is standard input);
 * - without files it asks the server of the kubeconfig for its recorder
 *   (`GET /debug/audit/events`, cluster-admin only), and `-f` follows it;
 * - a human table (TIME, USER, CREDENTIAL, VERB, RESOURCE, NAMESPACE, NAME, CODE), one row per
 *   request at its last recorded stage (`--all-stages` shows each event); `-o json` prints the
 *   events as JSON lines;
 * - filters: `--user`, `--service-account`, `--credential-id`, `--verb`, `--resource`, `-n`,
 *   `--name`, `--code`, `--since` (RFC 3339, or a Go duration back from now), `--until`,
 *   `--stage`; `--jti` shows one token's lineage: the TokenRequest that issued it and every
 *   request made with it.
 * Also `addAuditServeOptions`, the audit flags of `satoken serve`.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Command } from 'commander';
import { apiRequest, apiStream } from '../client/api-client.js';
import { renderLineage, renderTable, eventRow, TABLE_COLUMNS } from '../audit/event-table.js';
import { AUDIT_EVENTS_PATH } from '../audit/events-endpoint.js';
import { parseMicroTime } from '../audit/micro-time.js';
import { type RequestFilter, RequestFilterError, compileFilter } from '../audit/request-filter.js';
import { tokenLineage } from '../audit/token-lineage.js';
import { ANNOTATIONS, type AuditEvent } from '../audit/types.js';
import { goPathError } from '../util/go-format.js';
import { goJsonStringify } from '../util/go-json.js';
import { connectionOptions, resolveConnection, type ConnectionFlags } from './connection.js';
import { CliError } from './create-token.js';
import { parseGoDuration } from '../util/go-duration.js';

const collect = (v: string, prev: string[]) => [...prev, v];

interface AuditCommandFlags extends ConnectionFlags {
  follow?: boolean;
  jti?: string;
  user?: string;
  serviceAccount?: string;
  credentialId?: string;
  verb: string[];
  resource?: string;
  name?: string;
  code?: string;
  since?: string;
  until?: string;
  stage?: string;
  allStages?: boolean;
  limit?: string;
  output?: string;
}

/**
 * The audit flags of `satoken serve` (kube-apiserver's names, and `--audit-recorder-size`).
 * @example
 * addAuditServeOptions(program.command('serve').option(...)).action(...);
 */
export function addAuditServeOptions(cmd: Command): Command {
  return cmd
    .option('--audit-policy-file <file>', 'Path to the file that defines the audit policy configuration.')
    .option('--audit-log-path <path>', "If set, all requests coming to the apiserver will be logged to this file.  '-' means standard out.")
    .option('--audit-log-maxage <days>', 'The maximum number of days to retain old audit log files based on the timestamp encoded in their filename.')
    .option('--audit-log-maxbackup <n>', 'The maximum number of old audit log files to retain.')
    .option('--audit-log-maxsize <MB>', 'The maximum size in megabytes of the audit log file before it gets rotated (0: 100).')
    .option('--audit-log-format <format>', 'Format of saved audits. "legacy" indicates 1-line text format for each event. "json" indicates structured json format. Known formats are json,legacy.', 'json')
    .option('--audit-log-compress', 'If set, the rotated log files will be compressed using gzip.')
    .option('--audit-recorder-size <n>', 'requests the in-memory recorder keeps for `satoken audit` (0: off)', '10000');
}

/** The filter the flags describe (a usage error, exit 2, when malformed). */
export function filterOfFlags(f: AuditCommandFlags, now: number): RequestFilter {
  const filter: Record<string, unknown> = {};
  const set = (k: keyof RequestFilter, v: unknown) => {
    if (v !== undefined) filter[k] = v;
  };
  set('user', f.user);
  set('serviceAccount', f.serviceAccount);
  set('credentialId', f.credentialId);
  if (f.verb.length) filter.verb = f.verb.flatMap((v) => v.split(',')).filter(Boolean);
  set('resource', f.resource);
  set('namespace', f.namespace);
  set('name', f.name);
  set('code', f.code);
  set('since', f.since === undefined ? undefined : timeFlag('since', f.since, now));
  set('until', f.until === undefined ? undefined : timeFlag('until', f.until, now));
  set('stage', f.stage);
  try {
    compileFilter(filter as RequestFilter);
  } catch (e) {
    if (e instanceof RequestFilterError) throw new CliError(e.message.replace(/^request filter "(\w+)"/, (_m, k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`), 2);
    throw e;
  }
  return filter as RequestFilter;
}

/** `--since 10m` (a Go duration back from now) or an RFC 3339 time. */
function timeFlag(name: string, v: string, now: number): string | number {
  if (/^\d{4}-\d\d-\d\dT/.test(v)) return v;
  try {
    return now - Number(parseGoDuration(v) / 1_000_000n);
  } catch {
    throw new CliError(`--${name} ${JSON.stringify(v)} is neither an RFC 3339 time nor a duration (like 10m)`, 2);
  }
}

interface ReadReport {
  bad: number;
  firstBad?: string;
  legacy: boolean;
}

/** Reads the events of audit log files (JSON lines, gzip allowed), keeping those `keep` accepts. */
async function readLogs(files: string[], keep: (ev: AuditEvent) => boolean, report: ReadReport): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  for (const file of files) {
    const input = file === '-' ? process.stdin : createReadStream(file);
    const opened = new Promise<void>((ok, fail) => {
      if (file === '-') return ok();
      input.once('open', () => ok());
      input.once('error', (e: NodeJS.ErrnoException) => fail(new CliError(goPathError(file, e) ?? `${file}: ${e.message}`)));
    });
    await opened;
    const stream: NodeJS.ReadableStream = file.endsWith('.gz') ? input.pipe(createGunzip()) : input;
    const failed = new Promise<never>((_ok, fail) => (stream as NodeJS.EventEmitter).on('error', (e: Error) => fail(new CliError(`${file}: ${e.message}`))));
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    let n = 0;
    const reading = (async () => {
      for await (const line of lines) {
        n++;
        if (!line.trim()) continue;
        const ev = parseEvent(line);
        if (typeof ev === 'string') {
          report.bad++;
          report.firstBad ??= `${file} line ${n}: ${ev}`;
          if (/ AUDIT: id="/.test(line)) report.legacy = true;
          continue;
        }
        if (keep(ev)) out.push(ev);
      }
    })();
    await Promise.race([reading, failed]);
  }
  return out;
}

/** A line as an Event, or why it is not one. */
function parseEvent(line: string): AuditEvent | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    return `not JSON (${(e as Error).message})`;
  }
  const ev = v as Partial<AuditEvent>;
  if (typeof v !== 'object' || v === null || ev.kind !== 'Event' || typeof ev.auditID !== 'string' || typeof ev.stage !== 'string' || typeof ev.requestReceivedTimestamp !== 'string' || typeof ev.user !== 'object' || ev.user === null) return 'not an audit.k8s.io Event';
  return ev as AuditEvent;
}

const RANK: Record<string, number> = { RequestReceived: 0, ResponseStarted: 1, ResponseComplete: 2, Panic: 2 };

/** One event per request: the last stage recorded, in the order requests arrived. */
function lastStages(events: readonly AuditEvent[]): AuditEvent[] {
  const byRequest = new Map<string, AuditEvent>();
  for (const ev of events) {
    const key = `${ev.auditID}\u0000${ev.requestReceivedTimestamp}`;
    const prev = byRequest.get(key);
    if (!prev || (RANK[ev.stage] ?? 0) >= (RANK[prev.stage] ?? 0)) byRequest.set(key, ev);
  }
  return [...byRequest.values()].sort((a, b) => parseMicroTime(a.requestReceivedTimestamp) - parseMicroTime(b.requestReceivedTimestamp));
}

/** The server's recorded events for a filter (plus the issuing TokenRequest of `jti`). */
async function serverEvents(f: AuditCommandFlags, filter: RequestFilter): Promise<AuditEvent[]> {
  const conn = resolveConnection({ ...f, namespace: undefined });
  const get = async (q: Record<string, unknown>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) for (const item of Array.isArray(v) ? v : [v]) params.append(k, String(item));
    const res = await apiRequest(conn, 'GET', `${AUDIT_EVENTS_PATH}?${params.toString()}`);
    if (res.status !== 200) throw new CliError(`the server refused ${AUDIT_EVENTS_PATH} (${res.status}): ${messageOf(res.body)}${res.status === 404 ? ' (is its recorder off: --audit-recorder-size 0?)' : ''}`);
    return res.json<{ items: AuditEvent[] }>().items;
  };
  if (!f.jti) return get({ ...filter, ...(f.limit ? { limit: f.limit } : {}) });
  const [issued, uses] = await Promise.all([get({ annotation: `${ANNOTATIONS.issuedCredentialId}=JTI=${f.jti}` }), get({ ...filter, jti: f.jti })]);
  return [...issued, ...uses];
}

function messageOf(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body.trim();
  } catch {
    return body.trim();
  }
}

/**
 * `satoken audit`.
 * @example
 * satoken audit /var/log/audit.log --service-account default/app --code 4xx
 * satoken audit --jti 6f1c... -o json
 * satoken audit -f
 */
export function registerAuditCommand(program: Command): void {
  connectionOptions(
    program
      .command('audit')
      .argument('[files...]', 'audit logs to read (JSON lines; .gz too; - for standard input); none: the server\'s recorder')
      .description('show recorded requests: who did what, with which credential, and the answer')
      .option('-f, --follow', 'keep following the server\'s recorder')
      .option('--jti <jti>', 'one token\'s lineage: the TokenRequest that issued it and every request made with it')
      .option('--user <name>', 'requests by this user (or impersonating it)')
      .option('--service-account <ns/name>', 'requests by this service account')
      .option('--credential-id <id>', 'requests made with this credential (JTI=..., X509SHA256=...)')
      .option('--verb <verb>', 'requests with this verb (repeatable, or comma-separated)', collect, [])
      .option('--resource <resource>', 'pods, serviceaccounts/token, pods/* , or a path like /healthz')
      .option('-n, --namespace <ns>', 'requests in this namespace')
      .option('--name <name>', 'requests for the object with this name')
      .option('--code <code>', 'answers with this code: 403, 4xx, 400-499')
      .option('--since <time>', 'requests received at or after an RFC 3339 time, or a duration ago (10m)')
      .option('--until <time>', 'requests received before')
      .option('--stage <stage>', 'events of this stage only (RequestReceived, ResponseStarted, ResponseComplete, Panic)')
      .option('--all-stages', 'every event, not one row per request')
      .option('--limit <n>', 'at most the newest n requests')
      .option('-o, --output <format>', 'json: the events as JSON lines (with --jti, the lineage as JSON)'),
  )
    .addHelpText('after', '\nExamples:\n  satoken audit /var/log/kubernetes/audit.log --service-account default/app\n  satoken audit --jti 6f1c2a5e-0c1b-4d7e-9a0e-2b8d3c4f5a6b\n  satoken audit -f --code 4xx\n  satoken audit audit.log -o json | jq .annotations\n')
    .action(async (files: string[], f: AuditCommandFlags) => {
      if (f.output !== undefined && f.output !== 'json') throw new CliError(`unknown output format "${f.output}": only json`, 2);
      if (f.limit !== undefined && !/^[1-9]\d{0,8}$/.test(f.limit)) throw new CliError(`--limit must be a positive integer, got ${JSON.stringify(f.limit)}`, 2);
      if (f.follow && files.length) throw new CliError('--follow reads the server\'s recorder: give no files', 2);
      if (f.follow && f.jti) throw new CliError('--follow and --jti do not go together: follow with --credential-id JTI=<jti>', 2);
      const filter = filterOfFlags(f, Date.now());
      const write = (s: string): void => void process.stdout.write(s);
      if (f.follow) return follow(f, filter, write);
      let events: AuditEvent[];
      const report: ReadReport = { bad: 0, legacy: false };
      if (files.length) {
        const criteria = compileFilter(filter);
        const jtiCredential = f.jti ? `JTI=${f.jti}` : undefined;
        // with --jti, the issuing TokenRequest is kept beside the filtered uses
        const keep = (ev: AuditEvent) => (jtiCredential && ev.annotations?.[ANNOTATIONS.issuedCredentialId] === jtiCredential) || criteria.every((c) => c.test(ev));
        events = await readLogs(files, keep, report);
      } else {
        events = await serverEvents(f, filter);
      }
      if (report.bad) process.stderr.write(`warning: ${report.bad} line${report.bad === 1 ? ' is' : 's are'} not audit events (first: ${report.firstBad})${report.legacy ? '; legacy-format lines cannot be read: log with --audit-log-format=json' : ''}\n`);
      if (f.jti) {
        const lineage = tokenLineage(events, f.jti);
        write(f.output === 'json' ? `${goJsonStringify(lineage)}\n` : renderLineage(lineage));
        return;
      }
      let rows = f.allStages || f.stage ? events : lastStages(events);
      if (f.limit) rows = rows.slice(-Number(f.limit));
      if (f.output === 'json') write(rows.map((ev) => `${goJsonStringify(ev)}\n`).join(''));
      else write(rows.length ? renderTable(rows) : 'No requests recorded match.\n');
    });
}

/** `-f`: the recorded events now, as a table, then each new one on its own line with the same columns. */
async function follow(f: AuditCommandFlags, filter: RequestFilter, write: (s: string) => void): Promise<void> {
  const conn = resolveConnection({ ...f, namespace: undefined });
  const params = new URLSearchParams({ watch: 'true', ...(f.limit ? { limit: f.limit } : {}) });
  for (const [k, v] of Object.entries(filter)) for (const item of Array.isArray(v) ? v : [v]) params.append(k, String(item));
  let widths: number[] = TABLE_COLUMNS.map((c) => c.length);
  let headerDone = false;
  const line = (cells: string[]) => `${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('').trimEnd()}\n`;
  try {
    await apiStream(conn, `${AUDIT_EVENTS_PATH}?${params.toString()}`, (text) => {
      const ev = parseEvent(text);
      if (typeof ev === 'string') return;
      if (f.output === 'json') return void write(`${goJsonStringify(ev)}\n`);
      const cells = eventRow(ev);
      if (!headerDone) {
        widths = widths.map((w, i) => Math.max(w, cells[i]!.length, i === 1 ? 36 : i === 2 ? 42 : 0));
        write(line([...TABLE_COLUMNS]));
        headerDone = true;
      }
      write(line(cells));
    });
  } catch (e) {
    throw new CliError(`following ${AUDIT_EVENTS_PATH}: ${(e as Error).message}`);
  }
}
