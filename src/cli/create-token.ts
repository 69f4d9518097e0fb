import { stringify } from 'yaml';
import { apiRequest, TransportError } from '../client/api-client.js';
import type { Connection } from '../client/kubeconfig.js';
import { parseGoDuration } from '../util/go-duration.js';

/** A CLI failure: printed as `error: <message>` with the given exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface CreateTokenFlags {
  audience: string[];
  duration?: string;
  boundObjectKind?: string;
  boundObjectName?: string;
  boundObjectUid?: string;
  output?: string;
}

const SUPPORTED_KINDS = ['Node', 'Pod', 'Secret'];

/**
 * `kubectl create token` (staging/src/k8s.io/kubectl/pkg/cmd/create/create_token.go): the same
 * validation order and messages (client, name, namespace, duration sign and units, audiences,
 * bound-object rules), the same request body, the same output.
 */
export function buildTokenRequest(args: string[], namespace: string | undefined, f: CreateTokenFlags): { name: string; namespace: string; body: object } {
  if (args.length !== 1) throw new CliError(`exactly one NAME is required, got ${args.length}`, 1, "See 'satoken create token -h' for help and examples");
  if (!namespace) throw new CliError('--namespace is required');
  let expirationSeconds: number | null = null;
  if (f.duration !== undefined) {
    let ns: bigint;
    try {
      ns = parseGoDuration(f.duration);
    } catch (e) {
      throw new CliError(`invalid argument "${f.duration}" for "--duration" flag: ${(e as Error).message}`, 1, "See 'satoken create token --help' for usage.");
    }
    if (ns < 0n) throw new CliError('--duration must be greater than or equal to 0');
    if (ns % 1_000_000_000n !== 0n) throw new CliError('--duration cannot be expressed in units less than seconds');
    if (ns > 0n) expirationSeconds = Number(ns / 1_000_000_000n);
  }
  for (const a of f.audience) if (a === '') throw new CliError('--audience must not be an empty string');
  let boundObjectRef: object | null = null;
  if (f.boundObjectKind) {
    if (!SUPPORTED_KINDS.includes(f.boundObjectKind)) throw new CliError(`supported --bound-object-kind values are ${SUPPORTED_KINDS.join(', ')}`);
    if (!f.boundObjectName) throw new CliError('--bound-object-name is required if --bound-object-kind is provided');
    boundObjectRef = { kind: f.boundObjectKind, apiVersion: 'v1', name: f.boundObjectName, ...(f.boundObjectUid ? { uid: f.boundObjectUid } : {}) };
  } else {
    if (f.boundObjectName) throw new CliError('--bound-object-name can only be set if --bound-object-kind is provided');
    if (f.boundObjectUid) throw new CliError('--bound-object-uid can only be set if --bound-object-kind is provided');
  }
  const body = {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: { audiences: f.audience.length ? f.audience : null, expirationSeconds, boundObjectRef },
    status: { token: '', expirationTimestamp: null },
  };
  return { name: args[0]!, namespace, body };
}

/** Sends the request and renders kubectl's output: the bare token, or the TokenRequest with `-o json|yaml`. */
export async function createToken(conn: Connection, name: string, namespace: string, body: object, output: string | undefined, isTty: boolean): Promise<string> {
  if (output !== undefined && output !== 'json' && output !== 'yaml') {
    throw new CliError(`unable to match a printer suitable for the output format "${output}", allowed formats are: json,yaml`);
  }
  let res;
  try {
    res = await apiRequest(conn, 'POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(name)}/token`, body);
  } catch (e) {
    if (e instanceof TransportError) throw new CliError(`failed to create token: ${e.message}`);
    throw e;
  }
  let parsed: { message?: string; status?: { token?: string }; kind?: string } | undefined;
  try {
    parsed = res.json();
  } catch {
    parsed = undefined;
  }
  if (res.status >= 400) {
    throw new CliError(`failed to create token: ${parsed?.message ?? `unknown (post serviceaccounts ${name})`}`);
  }
  const token = parsed?.status?.token;
  if (!token) throw new CliError('failed to create token: no token in server response');
  if (output === 'json') return `${JSON.stringify(parsed, null, 4)}\n`;
  // sigs.k8s.io/yaml: sorted keys, sequences not indented, timestamp-like strings quoted (YAML 1.1)
  if (output === 'yaml') return stringify(parsed, { sortMapEntries: true, indentSeq: false, version: '1.1' });
  return isTty ? `${token}\n` : token;
}
