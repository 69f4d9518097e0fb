import type { KubeObject } from '../../../registry/types.js';

/** A Table column as kube-apiserver sends it (metav1.TableColumnDefinition). */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/**
 * What every printer file shares: the column constructor, the Name and Age columns with the
 * ObjectMeta SwaggerDoc strings kube-apiserver sends, and the cell helpers printers.go uses for
 * pod templates (`layoutContainerCells`).
 */

export const NAME_DOC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const CREATED_DOC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export function col(name: string, type: string, description: string, priority = 0, format = ''): TableColumnDefinition {
  return { name, type, format, description, priority };
}

export const NAME = col('Name', 'string', NAME_DOC, 0, 'name');
export const AGE = col('Age', 'string', CREATED_DOC);
export const CONTAINERS = col('Containers', 'string', 'Names of each container in the template.', 1);
export const IMAGES = col('Images', 'string', 'Images referenced by each container in the template.', 1);

/** A printer: the cells of one row, in the order of the kind's columns (Wide on, as the server prints). */
export type Printer = (obj: KubeObject, now: number) => unknown[];

export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
export const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const nameOf = (o: KubeObject): string => o.metadata.name ?? '';

/**
 * printers.go `layoutContainerCells`: container names and images, each joined by commas.
 * @example
 * containerCells({ spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } });
 * // ['a,b', 'x,y']
 */
export function containerCells(template: unknown): [string, string] {
  const containers = arr(rec(rec(template).spec).containers).map(rec);
  return [containers.map((c) => str(c.name)).join(','), containers.map((c) => str(c.image)).join(',')];
}
