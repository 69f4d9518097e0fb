import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { RealClock } from '../clock/index.js';
import { renderKubeconfig, type Connection } from '../client/kubeconfig.js';
import { issueClientCertificate } from '../keys/index.js';
import { connectionOptions, resolveConnection, type ConnectionFlags } from './connection.js';
import { buildTokenRequest, CliError, createToken } from './create-token.js';

interface KubeconfigFlags extends ConnectionFlags {
  user?: string;
  group: string[];
  serviceAccount?: string;
  duration?: string;
  keysDir: string;
  days: string;
  out?: string;
}

/**
 * `satoken kubeconfig`: a kubeconfig for the current server, as another identity:
 * `--user U [--group G]...` gets a client certificate signed by the cluster CA (CN=U, O=G, as
 * kubeadm's admin.conf), `--service-account NS/NAME` a bound token from TokenRequest.
 */
export function registerKubeconfigCommand(program: Command): void {
  connectionOptions(program.command('kubeconfig'))
    .description('print (or write with --out) a kubeconfig for a user (client certificate) or a service account (token)')
    .option('--user <name>', 'user name: a client certificate with CN=<name>')
    .option('--group <group>', 'group (O=) of the client certificate, repeatable', (v: string, p: string[]) => [...p, v], [])
    .option('--service-account <ns/name>', 'a service account: a token from TokenRequest')
    .option('--duration <duration>', 'token lifetime for --service-account (Go duration)')
    .option('--days <n>', 'validity of the client certificate in days', '365')
    .option('--keys-dir <dir>', 'where ca.crt and ca.key are', 'keys')
    .option('--out <file>', 'write the kubeconfig here (mode 0600) instead of printing it')
    .addHelpText('after', '\nExamples:\n  satoken kubeconfig --user michelle --group devs --out michelle.kubeconfig\n  satoken kubeconfig --service-account default/build-robot --duration 1h\n')
    .action(async (f: KubeconfigFlags) => {
      if (!!f.user === !!f.serviceAccount) throw new CliError('give exactly one of --user or --service-account', 2);
      const admin = resolveConnection(f);
      const base: Connection = { server: admin.server, ...(admin.caData ? { caData: admin.caData } : {}), ...(admin.insecureSkipTLSVerify ? { insecureSkipTLSVerify: true } : {}), namespace: 'default' };
      let text: string;
      if (f.user) {
        const dir = resolve(f.keysDir);
        let caCert: string;
        let caKey: string;
        try {
          caCert = readFileSync(join(dir, 'ca.crt'), 'utf8');
          caKey = readFileSync(join(dir, 'ca.key'), 'utf8');
        } catch (e) {
          throw new CliError(`cannot read the cluster CA in ${dir}: ${(e as Error).message}`);
        }
        const days = Number(f.days);
        if (!Number.isInteger(days) || days < 1) throw new CliError(`--days must be a positive whole number, got ${f.days}`, 2);
        const { cert, key } = await issueClientCertificate({ caCert, caKey, user: f.user, groups: f.group, clock: new RealClock(), days });
        text = renderKubeconfig({ ...base, clientCertData: cert, clientKeyData: key }, 'satoken', f.user);
      } else {
        const [ns, name, extra] = f.serviceAccount!.split('/');
        if (!ns || !name || extra !== undefined) throw new CliError(`--service-account must be NAMESPACE/NAME, got ${f.serviceAccount}`, 2);
        const req = buildTokenRequest([name], ns, { audience: [], ...(f.duration ? { duration: f.duration } : {}) });
        const token = (await createToken(admin, name, ns, req.body, undefined, false)).trim();
        text = renderKubeconfig({ ...base, token, namespace: ns }, 'satoken', `system:serviceaccount:${ns}:${name}`);
      }
      if (f.out) {
        writeFileSync(f.out, text, { mode: 0o600 });
        process.stdout.write(`wrote ${f.out}\n`);
      } else process.stdout.write(text);
    });
}
