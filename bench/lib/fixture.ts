import { createEmulator, type Emulator, type EmulatorOptions, type TokenSpec } from '../../src/emulator.js';

export const NAMESPACE = 'default';
export const SERVICE_ACCOUNT = 'bench';
export const NODE = 'node-1';
export const POD = 'bench-0';

/** The objects every benchmark binds its tokens to: a service account, a node, and a pod on it. */
export function benchObjects(pods = 1): object[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SERVICE_ACCOUNT, namespace: NAMESPACE } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } },
    ...Array.from({ length: pods }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `bench-${i}`, namespace: NAMESPACE },
      spec: { serviceAccountName: SERVICE_ACCOUNT, nodeName: NODE, containers: [{ name: 'app', image: 'busybox' }] },
    })),
  ];
}

/** A pod-bound TokenRequest spec, as the kubelet asks (default audiences, one hour). */
export const POD_BOUND: TokenSpec = { boundObjectRef: { kind: 'Pod', name: POD } };

/** An emulator with {@link benchObjects}, on the real clock unless told otherwise. */
export async function benchEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await createEmulator({ clock: 'real', ...opts });
  await emu.apply(benchObjects());
  return emu;
}
