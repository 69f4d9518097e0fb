export const VERSION = "0.1.0";

/**
 * The Kubernetes release satoken emulates.
 * @example
 * `kubectl.1.${EMULATED_KUBERNETES.minor}`; // the binary the dispatcher runs: 'kubectl.1.33'
 */
export const EMULATED_KUBERNETES = { major: '1', minor: '33', patch: '1' } as const;
