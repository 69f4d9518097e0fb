import { describe, expect, it } from 'vitest';
import { tableColumns } from '../../../src/api/discovery/table-columns.js';

const NAME_DOC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const AGE_DOC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** [name, type, format, priority] per column, as printers.go (1.33) and the default convertor declare them. */
describe('Table columns', () => {
  it.each([
    ['Namespace', [['Name', 'string', 'name', 0], ['Status', 'string', '', 0], ['Age', 'string', '', 0]]],
    ['ServiceAccount', [['Name', 'string', 'name', 0], ['Secrets', 'string', '', 0], ['Age', 'string', '', 0]]],
    ['Secret', [['Name', 'string', 'name', 0], ['Type', 'string', '', 0], ['Data', 'string', '', 0], ['Age', 'string', '', 0]]],
    ['ConfigMap', [['Name', 'string', 'name', 0], ['Data', 'string', '', 0], ['Age', 'string', '', 0]]],
    [
      'Pod',
      [
        ['Name', 'string', 'name', 0], ['Ready', 'string', '', 0], ['Status', 'string', '', 0], ['Restarts', 'string', '', 0], ['Age', 'string', '', 0],
        ['IP', 'string', '', 1], ['Node', 'string', '', 1], ['Nominated Node', 'string', '', 1], ['Readiness Gates', 'string', '', 1],
      ],
    ],
    [
      'Node',
      [
        ['Name', 'string', 'name', 0], ['Status', 'string', '', 0], ['Roles', 'string', '', 0], ['Age', 'string', '', 0], ['Version', 'string', '', 0],
        ['Internal-IP', 'string', '', 1], ['External-IP', 'string', '', 1], ['OS-Image', 'string', '', 1], ['Kernel-Version', 'string', '', 1], ['Container-Runtime', 'string', '', 1],
      ],
    ],
    [
      'Event',
      [
        ['Last Seen', 'string', '', 0], ['Type', 'string', '', 0], ['Reason', 'string', '', 0], ['Object', 'string', '', 0], ['Subobject', 'string', '', 1],
        ['Source', 'string', '', 1], ['Message', 'string', '', 0], ['First Seen', 'string', '', 1], ['Count', 'string', '', 1], ['Name', 'string', 'name', 1],
      ],
    ],
    ['Role', [['Name', 'string', 'name', 0], ['Created At', 'date', '', 0]]],
    ['ClusterRole', [['Name', 'string', 'name', 0], ['Created At', 'date', '', 0]]],
    ['RoleBinding', [['Name', 'string', 'name', 0], ['Role', 'string', '', 0], ['Age', 'string', '', 0], ['Users', 'string', '', 1], ['Groups', 'string', '', 1], ['ServiceAccounts', 'string', '', 1]]],
    ['ClusterRoleBinding', [['Name', 'string', 'name', 0], ['Role', 'string', '', 0], ['Age', 'string', '', 0], ['Users', 'string', '', 1], ['Groups', 'string', '', 1], ['ServiceAccounts', 'string', '', 1]]],
  ])('are those of the %s printer', (kind, expected) => {
    expect(tableColumns(kind).map((c) => [c.name, c.type, c.format, c.priority])).toEqual(expected);
  });

  it('describe Name and Age with the ObjectMeta docs a real server sends', () => {
    const [name, , , , age] = tableColumns('Pod');
    expect(name).toEqual({ name: 'Name', type: 'string', format: 'name', description: NAME_DOC, priority: 0 });
    expect(age).toEqual({ name: 'Age', type: 'string', format: '', description: AGE_DOC, priority: 0 });
  });

  it('describe Node columns as a 1.33 kube-apiserver does', () => {
    expect(tableColumns('Node').slice(4).map((c) => c.description.slice(0, 60))).toEqual([
      'Kubelet Version reported by the node.',
      'List of addresses reachable to the node. Queried from cloud ',
      'List of addresses reachable to the node. Queried from cloud ',
      'OS Image reported by the node from /etc/os-release (e.g. Deb',
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.",
      'ContainerRuntime Version reported by the node through runtim',
    ]);
  });

  it('describe binding subjects with the printer strings', () => {
    expect(tableColumns('ClusterRoleBinding').slice(3).map((c) => c.description)).toEqual([
      'Users in the clusterRoleBinding',
      'Groups in the clusterRoleBinding',
      'ServiceAccounts in the clusterRoleBinding',
    ]);
  });

  it('hand out copies that callers may change', () => {
    tableColumns('Secret')[0]!.name = 'changed';
    expect(tableColumns('Secret')[0]!.name).toBe('Name');
  });
});
