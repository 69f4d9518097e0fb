import type { ResourceInfo } from './kinds.js';
import { semanticEqual } from './semantic-equal.js';
import type { KubeObject } from './types.js';

/**
 * What kube-apiserver's REST storage does to every object of a kind, whatever its content, before
 * the kind's own strategy and validation: `rest.BeforeCreate` / `rest.BeforeUpdate` and the status
 * and generation parts of each kind's PrepareForCreate / PrepareForUpdate (for Deployment:
 * pkg/registry/apps/deployment/strategy.go; the other kinds' strategies alike), driven by the
 * `status` and `generation` fields of its {@link ResourceInfo}.
 */

/**
 * PrepareForCreate: a fresh status (the client's is dropped), generation 1.
 * @example
 * const d = { metadata: { name: 'web' }, spec: {}, status: { replicas: 9 } };
 * prepareCreate(kindInfo('Deployment')!, d); // d.status = {}, d.metadata.generation = 1
 */
export function prepareCreate(info: ResourceInfo, obj: KubeObject): void {
  if (info.status?.initial) obj.status = structuredClone(info.status.initial);
  if (info.generation) obj.metadata.generation = 1;
}

/**
 * The main resource's update:
 * - `metadata.generation` cannot be set by a client (BeforeUpdate copies the stored one);
 * - the stored status is kept (PrepareForUpdate), so status changes sent here are ignored;
 * - a change of `spec` (for Deployment, also of the annotations) bumps the generation.
 * Runs after defaulting, so a spec that only differs by defaults is no change.
 */
export function prepareUpdate(info: ResourceInfo, next: KubeObject, old: KubeObject): void {
  keep(next.metadata, old.metadata, 'generation');
  if (info.status) keep(next, old, 'status');
  if (!info.generation) return;
  const specChanged = !semanticEqual(next.spec, old.spec);
  const annotationsChanged = info.generation === 'spec+annotations' && !semanticEqual(next.metadata.annotations, old.metadata.annotations);
  if (specChanged || annotationsChanged) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
}

/**
 * An update through `/status`: everything but the status (and metadata other than what the kind
 * keeps) comes from the stored object, so only the status changes; the generation never moves.
 */
export function prepareStatusUpdate(info: ResourceInfo, next: KubeObject, old: KubeObject): void {
  keep(next.metadata, old.metadata, 'generation');
  keep(next, old, 'spec');
  for (const f of info.status?.keepMetadata ?? []) keep(next.metadata, old.metadata, f);
}

function keep(next: Record<string, unknown>, old: Record<string, unknown>, key: string): void {
  if (old[key] === undefined) delete next[key];
  else next[key] = structuredClone(old[key]);
}
