import { X509Certificate } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { RealClock } from '../clock/index.js';
import type { Connection } from '../client/kubeconfig.js';
import type { Kubelet } from '../kubelet/kubelet.js';
import { resolveConnection, type ConnectionFlags } from './connection.js';
import { CliError } from './create-token.js';
import { parseGoDuration } from '../util/go-duration.js';
import { createCliLogger } from './log-output.js';
import { logFormatOption, logLevelOption } from './log-options.js';

interface KubeletFlags extends ConnectionFlags {
  node: string;
  root: string;
  logLevel: string;
  logFormat?: string;
  nodeIp?: string;
  nodeLeaseDurationSeconds?: string;
  nodeStatusUpdateFrequency?: string;
}

/** A whole number of seconds of at least 1 (`--node-lease-duration-seconds`). */
function leaseSeconds(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new CliError(`invalid argument "${v}" for "--node-lease-duration-seconds" flag: must be a whole number of seconds, at least 1`, 2);
  return n;
}

/** `--node-status-update-frequency`: a Go duration above zero, in ms. */
function statusFrequencyMs(v: string): number {
  let ns: bigint;
  try {
    ns = parseGoDuration(v);
  } catch (e) {
    throw new CliError(`invalid argument "${v}" for "--node-status-update-frequency" flag: ${(e as Error).message}`, 2);
  }
  if (ns <= 0n) throw new CliError(`--node-status-update-frequency must be greater than 0, got ${v}`, 2);
  return Math.max(1, Number(ns / 1_000_000n));
}

export interface RunningKubelet {
  kubelet: Kubelet;
  stop(): Promise<void>;
}

/** The user a client certificate names (`CN=`), or undefined for token credentials. */
function certificateUser(conn: Connection): string | undefined {
  if (!conn.clientCertData) return undefined;
  try {
    return /(?:^|\n)CN=([^\n]*)/.exec(new X509Certificate(conn.clientCertData).subject)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Runs the kubelet agent: connects as the kubeconfig says, registers the Node, follows its pods,
 * writes their projected volumes under `<root>/pods/<uid>/volumes/kubernetes.io~projected/`,
 * rotates tokens on the real clock and logs each rotation (pino, to stderr; never a token).
 * Prints one ready line. `stop()` ends the watch and the refreshers; files stay, as a kubelet's do.
 * @example
 * const k = await runKubelet({ node: 'node-1', root: '/tmp/kubelet', kubeconfig: 'node-1.kubeconfig', logLevel: 'info' });
 * await k.stop();
 */
export async function runKubelet(f: KubeletFlags, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<RunningKubelet> {
  if (!f.node) throw new CliError('--node must name the node', 2);
  const leaseDurationSeconds = leaseSeconds(f.nodeLeaseDurationSeconds ?? '40');
  const statusUpdateFrequencyMs = statusFrequencyMs(f.nodeStatusUpdateFrequency ?? '10s');
  const logs = await createCliLogger({ level: f.logLevel, format: f.logFormat, base: { node: f.node }, redact: ['token', '*.token'] });
  const logger = logs.logger;
  const conn = resolveConnection(f);
  const user = certificateUser(conn);
  if (user !== `system:node:${f.node}`) {
    logger.warn({ user: user ?? conn.userName }, `not authenticating as system:node:${f.node}: the Node authorizer and NodeRestriction will not treat this agent as the node (make a node kubeconfig with: satoken kubeconfig --user system:node:${f.node} --group system:nodes --out FILE)`);
  }
  const rootDir = resolve(f.root);
  mkdirSync(rootDir, { recursive: true });
  const clock = new RealClock();
  // the agent loads when it runs, not at every start of the CLI
  const [{ Kubelet }, { httpKubeletApi }] = await Promise.all([import('../kubelet/kubelet.js'), import('../kubelet/http-api.js')]);
  const kubelet = new Kubelet({ nodeName: f.node, rootDir, clock, api: httpKubeletApi({ conn, clock, logger }), logger, leaseDurationSeconds, statusUpdateFrequencyMs, ...(f.nodeIp ? { internalIP: f.nodeIp } : {}) });
  kubelet.on('mounted', (e) => logger.info({ pod: e.podUid, volume: e.volume, dir: e.dir }, 'volume mounted'));
  kubelet.on('rotated', (e) => logger.info({ pod: e.podUid, volume: e.volume, path: e.path, expirationTimestamp: e.expirationTimestamp }, 'token rotated'));
  kubelet.on('removed', (e) => logger.info({ pod: e.podUid }, 'pod volumes removed'));
  kubelet.on('error', (e) => logger.warn({ pod: e.podUid, volume: e.volume, retryInMs: e.retryInMs }, e.message));
  // RealClock timers are unref'd; this handle keeps the agent alive between events.
  const lifeline = setInterval(() => undefined, 2 ** 30);
  try {
    await kubelet.start();
  } catch (e) {
    clearInterval(lifeline);
    kubelet.stop();
    logs.close();
    throw new CliError(`kubelet for node ${f.node} could not start against ${conn.server}: ${(e as Error).message}`);
  }
  out(`satoken kubelet ready: node ${f.node}, root ${rootDir} (server ${conn.server})`);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      kubelet.stop();
      clearInterval(lifeline);
      logger.info('kubelet stopped');
      logs.close();
    })());
  return { kubelet, stop };
}

/**
 * Registers `satoken kubelet`.
 * @example
 * registerKubeletCommand(program); // satoken kubelet --node node-1 --root /tmp/kubelet --kubeconfig node-1.kubeconfig
 */
export function registerKubeletCommand(program: Command): void {
  program
    .command('kubelet')
    .description("run the kubelet's token refresher for one node: projected service-account token volumes of the node's pods, kept fresh")
    .requiredOption('--node <name>', 'the node this agent is (it registers the Node and follows pods with spec.nodeName=<name>)')
    .requiredOption('--root <dir>', 'kubelet root dir: volumes go to <root>/pods/<uid>/volumes/kubernetes.io~projected/<volume>/')
    .option('--kubeconfig <file>', 'kubeconfig to use, ideally a node identity (default: $KUBECONFIG, then .satoken/kubeconfig)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('-s, --server <url>', 'address of the API server')
    .option('--certificate-authority <file>', 'CA certificate file for the API server')
    .option('--insecure-skip-tls-verify', "don't check the server's certificate")
    .option('--node-ip <address>', "the node's InternalIP and its pods' hostIP", '127.0.0.1')
    .option('--node-lease-duration-seconds <seconds>', "the duration of the node's Lease in kube-node-lease; it is renewed every quarter of it", '40')
    .option('--node-status-update-frequency <duration>', 'how often the node status is computed and, when it changed, posted (Go duration)', '10s')
    .addOption(logLevelOption())
    .addOption(logFormatOption())
    .addHelpText(
      'after',
      '\nRun it as the node, so that the Node authorizer and NodeRestriction apply:\n  satoken kubeconfig --user system:node:node-1 --group system:nodes --out node-1.kubeconfig\n  satoken kubelet --node node-1 --root /tmp/kubelet --kubeconfig node-1.kubeconfig\n',
    )
    .action(async (f: KubeletFlags) => {
      const running = await runKubelet(f);
      const onSignal = () => void running.stop().then(() => process.exit(0));
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    });
}
