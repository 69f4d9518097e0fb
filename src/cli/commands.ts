import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { VERSION } from '../version.js';
import { RealClock } from '../clock/index.js';
import { versionInfo } from '../api/discovery/index.js';
import { connectionOptions, resolveConnection, type ConnectionFlags } from './connection.js';
import { buildTokenRequest, CliError, createToken, type CreateTokenFlags } from './create-token.js';
import { inspectToken, NotAJwtError } from './decode/inspect.js';
import { renderReport } from './decode/render.js';
import { readTokenInput } from './decode/token-input.js';
import { jwksKeySource, verifyOffline, verifyWithServer, type Verdict } from './decode/verify.js';
import { registerKeyCommands } from './keys-command.js';
import { registerKubeconfigCommand } from './kubeconfig-command.js';
import { registerKubeletCommand } from './kubelet-command.js';
import { registerCompareCommand } from './compare.js';
import { registerDoctorCommand } from './doctor/doctor-command.js';
import { addAuditServeOptions, registerAuditCommand } from './audit-command.js';
import { registerReloadCheckCommand } from './reload-check.js';
import { serve } from './serve.js';
import { logFormatOption, logLevelOption } from './log-options.js';
import { asKubectlCommand } from './kubectl-flags.js';
import type { ServeFlags } from './serve-options.js';
import { apiRequest } from '../client/api-client.js';

const collect = (v: string, prev: string[]) => [...prev, v];


export function registerCommands(program: Command): void {
  program.description('Kubernetes service-account tokens, emulated: TokenRequest, TokenReview, bound tokens, the kubelet refresher, RBAC').version(VERSION, '--version', 'print the version');

  addAuditServeOptions(program
    .command('serve')
    .description('run the API server (HTTPS on 127.0.0.1:6443, objects in <data-dir>, keys in <keys-dir>)')
    .option('--secure-port <port>', 'port to serve on; 0 picks a free one', '6443')
    .option('--bind-address <ip>', 'address to listen on', '127.0.0.1')
    .option('--http', 'serve plain HTTP (kubectl then sends no credentials)', false)
    .option('--data-dir <dir>', 'where objects, the admin token and the kubeconfig live', '.satoken')
    .option('--keys-dir <dir>', 'where keys and certificates live (kubeadm names)', 'keys')
    .option('--service-account-issuer <url>', 'issuer of new tokens (repeatable: the first signs, all verify)', collect, [])
    .option('--service-account-key-file <file>', 'PEM file of verification keys (repeatable)', collect, [])
    .option('--service-account-signing-key-file <file>', 'PEM file of the signing key')
    .option('--service-account-max-token-expiration <duration>', 'longest token a TokenRequest may get (1h to 2^32s; 0: no limit)')
    .option('--service-account-extend-token-expiration <bool>', 'extend 3607 s pod-bound kubelet tokens to a year, with warnafter', 'true')
    .option('--service-account-jwks-uri <url>', 'jwks_uri published in OIDC discovery')
    .option('--api-audiences <list>', 'comma list of API audiences (default: the issuers)')
    .option('--token-auth-file <file>', 'static tokens, CSV: token,user,uid,"group1,group2"')
    .option('--client-ca-file <file>', 'PEM bundle of extra CAs accepted for client certificates (the cluster CA always is)')
    .option('--anonymous-auth <bool>', 'allow anonymous requests', 'true')
    .option('--authorization-mode <modes>', 'ordered list of Node, RBAC, ABAC, Webhook, AlwaysAllow, AlwaysDeny', 'Node,RBAC')
    .option('--authorization-policy-file <file>', 'ABAC policy file')
    .option('--authorization-webhook-config-file <file>', 'kubeconfig of the authorization webhook')
    .addOption(new Option('--authorization-webhook-version <version>', 'The API version of the authorization.k8s.io SubjectAccessReview to send to and expect from the webhook.').choices(['v1beta1', 'v1']).default('v1beta1'))
    .option('--authorization-webhook-cache-authorized-ttl <duration>', "The duration to cache 'authorized' responses from the webhook authorizer.", '5m0s')
    .option('--authorization-webhook-cache-unauthorized-ttl <duration>', "The duration to cache 'unauthorized' responses from the webhook authorizer.", '30s')
    .option('--node-monitor-grace-period <duration>', 'a node whose kubelet posts no status nor renews its lease for this long is marked Unknown (Go duration)', '50s')
    .option('--node-monitor-period <duration>', 'how often the node lifecycle controller checks the nodes (Go duration)', '5s')
    .option('--node-startup-grace-period <duration>', 'how long a node that never posted its status may stay silent before it is marked Unknown (Go duration)', '1m0s')
    .option('--legacy-service-account-token-clean-up-period <duration>', 'unused legacy Secret tokens are marked invalid after this long, and deleted after as long again (Go duration, > 0)', '8760h0m0s')
    .option('--public-discovery <bool>', 'serve OIDC discovery and JWKS without credentials (false: RBAC decides, as Kubernetes)', 'true')
    .addOption(new Option('--algorithm <alg>', 'algorithm of a generated signing key').choices(['RS256', 'ES256']).default('RS256'))
    .addOption(new Option('--signing <where>', 'sign tokens on the libuv thread pool (every core, ~15 % more CPU per token) or inline on the event loop (fewest CPU seconds; one core per process, for replicas)').choices(['pool', 'inline']).default('pool'))
    .option('--etcd-servers <urls>', 'comma list of etcd URLs: replicas share objects there (default: the embedded store)')
    .option('--etcd-prefix <prefix>', 'key prefix in etcd', '/registry')
    .option('--etcd-cafile <file>', 'SSL Certificate Authority file used to secure etcd communication.')
    .option('--etcd-certfile <file>', 'SSL certification file used to secure etcd communication.')
    .option('--etcd-keyfile <file>', 'SSL key file used to secure etcd communication.')
    .addOption(new Option('--revocation <mode>', "when tokens die with their objects: immediate (before the delete returns) or kubernetes (graceful pod deletion, 60 s past the deletion timestamp, a 10 s review cache)").choices(['immediate', 'kubernetes']).default('immediate'))
    .option('--clock-skew <duration>', "shift this replica's clock by a Go duration (e.g. -30s) for issuing and validating tokens")
    .option('--workload-identity <clouds>', 'comma list of aws, azure: run their pod identity webhooks, and STS (at /aws/sts) and Entra (AZURE_AUTHORITY_HOST) token exchanges here')
    .option('--workload-identity-aws-region <region>', 'region the EKS webhook injects as AWS_REGION and AWS_DEFAULT_REGION (default us-east-1)')
    .option('--workload-identity-azure-tenant-id <id>', "tenant the Azure webhook injects for service accounts that name none (default 00000000-0000-0000-0000-000000000001)")
    .addOption(logLevelOption())
    .addOption(logFormatOption()))
    .addHelpText('after', '\nExamples:\n  satoken serve\n  satoken serve --secure-port 0 --data-dir /tmp/sat --service-account-issuer https://127.0.0.1:6443\n  export KUBECONFIG=.satoken/kubeconfig; kubectl create token default\n')
    .action(async (f: ServeFlags) => {
      await serve(f, undefined, { handleSignals: true });
    });

  const create = program.command('create').description('create objects');
  const createTokenCommand = connectionOptions(
    create
      .command('token')
      .argument('[name...]', 'service account name')
      .description('request a service account token, as `kubectl create token`')
      .option('-n, --namespace <ns>', 'namespace (default: the context\'s, else "default")')
      .option('--audience <aud>', 'audience of the token (repeatable, never comma-split)', collect, [])
      .option('--duration <duration>', 'requested lifetime (Go duration, e.g. 10m, 1h); 0 lets the server decide')
      .option('--bound-object-kind <kind>', 'kind to bind the token to: Node, Pod, Secret')
      .option('--bound-object-name <name>', 'name of the object to bind to')
      .option('--bound-object-uid <uid>', 'uid of the object to bind to')
      .option('-o, --output <format>', 'json or yaml: print the whole TokenRequest'),
  );
  // kubectl's flag parsing and messages (`error: unknown flag: --durration`, exit 1)
  asKubectlCommand(createTokenCommand, 'satoken create token')
    .addHelpText('after', '\nExamples:\n  satoken create token build-robot\n  satoken create token build-robot --audience vault --duration 10m\n  satoken create token build-robot --bound-object-kind Pod --bound-object-name web-0 -o yaml\n')
    .action(async (names: string[], f: CreateTokenFlags & ConnectionFlags) => {
      const conn = resolveConnection({ ...f, namespace: undefined });
      // an empty -n is no -n: the context's namespace, as kubectl's ToRawKubeConfigLoader().Namespace()
      const ns = f.namespace || conn.namespace || 'default';
      const { name, namespace, body } = buildTokenRequest(names, ns, f);
      process.stdout.write(await createToken(conn, name, namespace, body, f.output, !!process.stdout.isTTY));
    });

  connectionOptions(
    program
      .command('decode')
      .argument('[token]', 'the token, a file holding it, or - for standard input (default: standard input)')
      .description('show what a token says: header, claims, binding, times; --verify checks it')
      .option('-o, --output <format>', 'json for scripts (a stable shape, see README)')
      .option('--verify', 'verify: offline with --jwks, else by a TokenReview on the server', false)
      .option('--jwks <fileOrUrl>', 'JWKS to verify against offline')
      .option('--issuer <iss>', 'accepted issuer for offline verification (repeatable)', collect, [])
      .option('--audience <aud>', 'audience to verify for (repeatable)', collect, []),
  )
    .addHelpText('after', '\nExit codes: 0 shown (and valid, with --verify), 1 rejected, 2 usage or input errors.\n\nExamples:\n  satoken create token default | satoken decode\n  satoken decode token.jwt --verify --audience vault\n  satoken decode "$T" --verify --jwks jwks.json --issuer https://kubernetes.default.svc.cluster.local -o json\n')
    .action(async (arg: string | undefined, f: ConnectionFlags & { output?: string; verify: boolean; jwks?: string; issuer: string[]; audience: string[] }) => {
      if (f.output !== undefined && f.output !== 'json') throw new CliError(`unknown output format "${f.output}": only json`, 2);
      const token = readTokenInput(arg, process.stdin, () => readFileSync(0, 'utf8'));
      const now = new RealClock().now();
      let report;
      try {
        report = inspectToken(token, now);
      } catch (e) {
        if (e instanceof NotAJwtError) throw new CliError(e.message, 2);
        throw e;
      }
      let verdict: Verdict | undefined;
      if (f.verify) {
        if (f.jwks) {
          const keys = await jwksKeySource(f.jwks, async (url) => (await apiRequest({ server: url, insecureSkipTLSVerify: !!f.insecureSkipTlsVerify, ...(f.certificateAuthority ? { caData: readFileSync(f.certificateAuthority, 'utf8') } : {}) }, 'GET', url)).body);
          verdict = await verifyOffline(token.trim(), keys, f.issuer, f.audience, now);
        } else {
          verdict = await verifyWithServer(resolveConnection(f), token.trim(), f.audience);
        }
      }
      process.stdout.write(f.output === 'json' ? `${JSON.stringify(verdict ? { ...report, verification: verdict } : report, null, 2)}\n` : renderReport(report, verdict));
      if (verdict && !verdict.valid) process.exitCode = 1;
    });

  registerKeyCommands(program);
  registerKubeconfigCommand(program);
  registerKubeletCommand(program);
  registerCompareCommand(program);
  registerDoctorCommand(program);
  registerAuditCommand(program);
  registerReloadCheckCommand(program);

  program
    .command('version')
    .description('print the satoken version and the Kubernetes version it emulates')
    .addHelpText('after', '\nExamples:\n  satoken version\n  satoken version -o json\n')
    .option('-o, --output <format>', 'json or yaml')
    .action((f: { output?: string }) => {
      const v = { satoken: VERSION, kubernetes: versionInfo().gitVersion.replace(/\+satoken$/, '') };
      process.stdout.write(f.output === 'json' ? `${JSON.stringify(v, null, 2)}\n` : f.output === 'yaml' ? stringify(v) : `satoken ${v.satoken} (emulates Kubernetes ${v.kubernetes})\n`);
    });
}
