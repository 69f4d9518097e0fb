import { apiVersionOf, type ResourceInfo } from '../../registry/kinds.js';
import { kind } from '../../registry/kinds/resource-info.js';
import type { KubeObject, ObjectMeta } from '../../registry/types.js';
import { negotiate } from './accept-header.js';
import { podRowConditions } from './pod-cells.js';
import { tableCells } from './table-cells.js';
import { tableColumns, type TableColumnDefinition } from './table-columns.js';

/**
 * `kubectl get` output: a meta.k8s.io/v1 Table instead of a list or object, when the Accept header
 * asks for one. apiserver `pkg/endpoints/handlers/response.go` (asTable) plus the kind's printer:
 * - `metadata` carries the resourceVersion of the list (or the object, for a single get).
 * - each row's `object` is, per `?includeObject=`: `Metadata` (the default, which kubectl uses) →
 *   a PartialObjectMetadata; `Object` → the full object with kind and apiVersion; `None` → null.
 * - `conditions` appear only on rows that have them (finished pods).
 */

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableRow {
  cells: unknown[];
  conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
  object: KubeObject | { kind: 'PartialObjectMetadata'; apiVersion: 'meta.k8s.io/v1'; metadata: ObjectMeta } | null;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string };
  /** null in the watch events after the first, as kube-apiserver sends them (TableOptions.NoHeaders) */
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[];
}

export interface TableOptions {
  /** the clock's now, in ms: ages are measured against it */
  now: number;
  includeObject: IncludeObject;
  /** the list's resourceVersion, or the object's for a single get */
  resourceVersion?: string;
}

/**
 * Whether an Accept header prefers a meta.k8s.io/v1 Table to plain JSON (kubectl get sends
 * `application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json`).
 * Only v1 Tables are produced; a client asking only for v1beta1 gets plain JSON, which kubectl prints too.
 * @example
 * wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io,application/json'); // true
 * wantsTable('application/json'); // false
 */
export function wantsTable(accept: string | undefined): boolean {
  const chosen = negotiate(accept, [{ as: 'Table', group: 'meta.k8s.io', version: 'v1' }]);
  return chosen !== undefined && chosen !== 'plain';
}

/**
 * Renders objects of one resource as a Table, with the kind's columns and cells.
 * @example
 * const sa = { metadata: { name: 'default', namespace: 'ns1', resourceVersion: '7', creationTimestamp: '2024-06-06T10:00:00Z' } };
 * toTable(kindInfo('ServiceAccount')!, [sa], { now: Date.parse('2024-06-06T10:00:59Z'), includeObject: 'Metadata', resourceVersion: '9' }).rows[0].cells;
 * // ['default', 0, '59s']
 */
export function toTable(info: ResourceInfo, objects: readonly KubeObject[], opts: TableOptions): Table {
  const rows = objects.map((o): TableRow => {
    const row: TableRow = { cells: tableCells(info.kind, o, opts.now), object: rowObject(info, o, opts.includeObject) };
    const conditions = info.kind === 'Pod' && info.group === '' ? podRowConditions(o) : undefined;
    return conditions ? { cells: row.cells, conditions, object: row.object } : row;
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {},
    columnDefinitions: tableColumns(info.kind),
    rows,
  };
}

/** autoscaling/v1 Scale, which `/scale` answers: printers.go `printScale` renders its Table. */
const SCALE: ResourceInfo = kind('autoscaling', 'v1', 'scale', 'Scale', true);

/**
 * The Table of a Scale (GET `/scale` with a Table Accept): Name, Desired, Available, Age.
 * @example
 * scaleTable(reg.getScale(kindInfo('Deployment')!, 'default', 'web'), { now, includeObject: 'Metadata' }).rows[0].cells;
 * // ['web', 3, 0, '5m']
 */
export function scaleTable(scale: KubeObject, opts: TableOptions): Table {
  return toTable(SCALE, [scale], { ...opts, resourceVersion: scale.metadata.resourceVersion ?? '' });
}

/**
 * The embedded encoder of a watch served as Tables (`kubectl get -w`), as apiserver's
 * watchEmbeddedEncoder works: each event's object becomes a Table of one row; the first carries
 * the column definitions and every later one `columnDefinitions: null` (kubectl reuses the
 * first's), each with the event object's resourceVersion. Status objects (ERROR events) are not
 * for this encoder: send them as they are.
 * @example
 * const encode = watchTableEncoder(kindInfo('Pod')!, 'Metadata', () => clock.now());
 * res.write(JSON.stringify({ type: e.type, object: encode(e.object) }) + '\n');
 */
export function watchTableEncoder(info: ResourceInfo, includeObject: IncludeObject, now: () => number): (obj: KubeObject) => Table {
  let headers = true;
  return (obj) => {
    const table = toTable(info, [obj], { now: now(), includeObject, resourceVersion: obj.metadata?.resourceVersion ?? '' });
    if (!headers) table.columnDefinitions = null;
    headers = false;
    return table;
  };
}

function rowObject(info: ResourceInfo, o: KubeObject, include: IncludeObject): TableRow['object'] {
  if (include === 'None') return null;
  if (include === 'Object') {
    const typeMeta = { kind: info.kind, apiVersion: apiVersionOf(info) };
    return Object.assign({ ...typeMeta }, o, typeMeta); // kind and apiVersion first, and right
  }
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}
