import { QUANTITY } from './k8s-intstr-schema.js';
import { OBJECT_META } from './k8s-meta-schema.js';
import { f, message } from './proto-schema.js';

/*
 * core/v1 PodTemplateSpec as the workload kinds carry it (k8s.io/api core/v1/generated.proto;
 * member order of types.go). Field numbers checked against the bodies kubectl 1.33 sends
 * (test/api/codecs/kubectl-1.33-workload-vectors.jsonl). Covered: what `kubectl create
 * deployment|job|cronjob` write and the common scalar fields of PodSpec and Container; messages
 * not listed (volumes, probes, security contexts, affinity, env sources) are skipped as unknown
 * fields, like managedFields.
 */

const CONTAINER_PORT = message('ContainerPort', [f.str('name', 1), f.str('hostPort', 2, 'int32'), f.always('containerPort', 3, 'int32'), f.str('protocol', 4), f.str('hostIP', 5)]);

const ENV_VAR = message('EnvVar', [f.always('name', 1), f.str('value', 2)]);

const RESOURCE_REQUIREMENTS = message('ResourceRequirements', [f.map('limits', 1, QUANTITY), f.map('requests', 2, QUANTITY)]);

const VOLUME_MOUNT = message('VolumeMount', [f.always('name', 1), f.str('readOnly', 2, 'bool'), f.always('mountPath', 3), f.str('subPath', 4), f.ptr('mountPropagation', 5, 'string'), f.str('subPathExpr', 6)]);

/**
 * core/v1 Container: name, image, command, args, workingDir, ports, env (name and value),
 * resources, volumeMounts, terminationMessage*, imagePullPolicy, stdin, stdinOnce, tty.
 *
 * @example
 * CONTAINER.fields.map((x) => x.id).slice(0, 4); // [1, 2, 3, 4]
 */
export const CONTAINER = message('Container', [
  f.always('name', 1),
  f.str('image', 2),
  f.list('command', 3),
  f.list('args', 4),
  f.str('workingDir', 5),
  f.list('ports', 6, CONTAINER_PORT),
  f.list('env', 7, ENV_VAR),
  f.str('resources', 8, RESOURCE_REQUIREMENTS),
  f.list('volumeMounts', 9, VOLUME_MOUNT),
  f.str('terminationMessagePath', 13),
  f.str('terminationMessagePolicy', 20),
  f.str('imagePullPolicy', 14),
  f.str('stdin', 16, 'bool'),
  f.str('stdinOnce', 17, 'bool'),
  f.str('tty', 18, 'bool'),
]);

const POD_LOCAL_OBJECT_REFERENCE = message('PodLocalObjectReference', [f.str('name', 1)]);

const TOLERATION = message('Toleration', [f.str('key', 1), f.str('operator', 2), f.str('value', 3), f.str('effect', 4), f.ptr('tolerationSeconds', 5, 'int64')]);

/**
 * core/v1 PodSpec, the fields numbered 2–30 that are scalars, containers, tolerations or image pull secrets.
 *
 * @example
 * POD_SPEC.fields.find((x) => x.json === 'serviceAccountName')?.id; // 8
 */
export const POD_SPEC = message('PodSpec', [
  f.list('initContainers', 20, CONTAINER),
  f.list('containers', 2, CONTAINER),
  f.str('restartPolicy', 3),
  f.ptr('terminationGracePeriodSeconds', 4, 'int64'),
  f.ptr('activeDeadlineSeconds', 5, 'int64'),
  f.str('dnsPolicy', 6),
  f.map('nodeSelector', 7),
  f.str('serviceAccountName', 8),
  f.str('serviceAccount', 9),
  f.ptr('automountServiceAccountToken', 21, 'bool'),
  f.str('nodeName', 10),
  f.str('hostNetwork', 11, 'bool'),
  f.str('hostPID', 12, 'bool'),
  f.str('hostIPC', 13, 'bool'),
  f.ptr('shareProcessNamespace', 27, 'bool'),
  f.list('imagePullSecrets', 15, POD_LOCAL_OBJECT_REFERENCE),
  f.str('hostname', 16),
  f.str('subdomain', 17),
  f.str('schedulerName', 19),
  f.list('tolerations', 22, TOLERATION),
  f.str('priorityClassName', 24),
  f.ptr('priority', 25, 'int32'),
  f.ptr('runtimeClassName', 29, 'string'),
  f.ptr('enableServiceLinks', 30, 'bool'),
]);

/**
 * core/v1 PodTemplateSpec: metadata and spec.
 *
 * @example
 * POD_TEMPLATE_SPEC.fields.map((x) => x.json); // ['metadata', 'spec']
 */
export const POD_TEMPLATE_SPEC = message('PodTemplateSpec', [f.str('metadata', 1, OBJECT_META), f.str('spec', 2, POD_SPEC)]);
