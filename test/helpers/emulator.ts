import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator.js';

export const T0 = Date.parse('2026-01-01T00:00:00Z');
export const ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** A manual-clock emulator at T0 with a service account `build-robot` and a pod `web-0` on node `node-1`. */
export async function fixture(opts: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await createEmulator({ clock: 'manual', startTime: T0, ...opts });
  await emu.apply([
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'build-robot', namespace: 'default' } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default' }, spec: { serviceAccountName: 'build-robot', nodeName: 'node-1', containers: [{ name: 'app', image: 'busybox' }] } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, stringData: { a: 'b' } },
  ]);
  return emu;
}

export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function uidOf(emu: Emulator, kind: string, ns: string | undefined, name: string): string {
  return emu.get(kind, ns, name)!.metadata.uid!;
}
