import { ageSince } from '../human-duration.js';
import { AGE, NAME, type Printer, col, int, nameOf, rec, type TableColumnDefinition } from './columns.js';

/** policy/v1 and coordination.k8s.io/v1 rows: printPodDisruptionBudget, printLease (printers.go, 1.33). */

export const POLICY_COLUMNS: Record<string, TableColumnDefinition[]> = {
  PodDisruptionBudget: [
    NAME,
    col('Min Available', 'string', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE,
  ],
  Lease: [
    NAME,
    col(
      'Holder',
      'string',
      'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.',
    ),
    AGE,
  ],
};

/** IntOrString.String(), or `N/A` when unset. */
const intOrString = (v: unknown): string => (typeof v === 'number' || typeof v === 'string' ? String(v) : 'N/A');

export const POLICY_PRINTERS: Record<string, Printer> = {
  PodDisruptionBudget: (o, now) => {
    const spec = rec(o.spec);
    return [nameOf(o), intOrString(spec.minAvailable), intOrString(spec.maxUnavailable), int(rec(o.status).disruptionsAllowed), ageSince(o.metadata.creationTimestamp, now)];
  },
  Lease: (o, now) => {
    const holder = rec(o.spec).holderIdentity;
    return [nameOf(o), typeof holder === 'string' ? holder : '', ageSince(o.metadata.creationTimestamp, now)];
  },
};
