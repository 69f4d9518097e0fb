import { FieldError, duplicate, forbidden, invalid, notSupported, required } from '../../errors/index.js';
import { dns1123Label, dns1123Subdomain, qualifiedName } from '../../util/name-validation.js';
import { isNegative, parseQuantity } from './quantity.js';
import { type Fields, type Obj } from './typed-fields.js';

/**
 * Pod volumes as pkg/apis/core/validation/validation.go checks them (ValidateVolumes,
 * validateVolumeSource, validateProjectionSources and the path rules), with its messages and
 * its field paths, quirks included (a projected token's path is reported at `projected.path`,
 * a downwardAPI volume's items without their index).
 */
export const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

/** The volume source keys, in the order validateVolumeSource visits them, with the path Go reports "more than 1" at. */
const SOURCES: Array<[key: string, forbiddenAt: string]> = [
  ['emptyDir', 'emptyDir'], ['hostPath', 'hostPath'], ['gitRepo', 'gitRepo'], ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'], ['secret', 'secret'], ['nfs', 'nfs'], ['iscsi', 'iscsi'], ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'], ['persistentVolumeClaim', 'persistentVolumeClaim'], ['rbd', 'rbd'], ['cinder', 'cinder'], ['cephfs', 'cephFS'],
  ['quobyte', 'quobyte'], ['downwardAPI', 'downwarAPI'], ['fc', 'fc'], ['flexVolume', 'flexVolume'], ['configMap', 'configMap'],
  ['azureFile', 'azureFile'], ['vsphereVolume', 'vsphereVolume'], ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'], ['azureDisk', 'azureDisk'], ['storageos', 'storageos'], ['projected', 'projected'],
  ['scaleIO', 'scaleIO'], ['csi', 'csi'], ['ephemeral', 'ephemeral'], ['image', 'image'],
];
export const VOLUME_SOURCE_KEYS = SOURCES.map(([k]) => k);

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const RESOURCE_FIELD_PATHS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];
const DOWNWARD_LABELS = new Set(['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName', 'status.phase', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs']);

export interface VolumeInfo {
  /** name → source key (`projected`, `persistentVolumeClaim`, ...) for the volumes that validated */
  sources: Map<string, string>;
}

/** ValidateVolumes: each volume's source, then its name (required, DNS label, unique). */
export function validateVolumes(f: Fields, volumes: unknown, path: string, podName: string | undefined): { errs: FieldError[]; info: VolumeInfo } {
  const errs: FieldError[] = [];
  const sources = new Map<string, string>();
  const names = new Set<string>();
  for (const [i, vol] of f.objList(volumes, path)) {
    const p = `${path}[${i}]`;
    const name = f.str(vol.name, `${p}.name`) ?? '';
    const el = validateVolumeSource(f, vol, p, name, podName);
    if (!name) el.push(required(`${p}.name`, ''));
    else for (const m of dns1123Label(name)) el.push(invalid(`${p}.name`, name, m));
    if (names.has(name)) el.push(duplicate(`${p}.name`, name));
    if (el.length === 0) {
      names.add(name);
      sources.set(name, SOURCES.find(([k]) => vol[k] !== undefined && vol[k] !== null)?.[0] ?? '');
    } else {
      errs.push(...el);
    }
  }
  return { errs, info: { sources } };
}

function validateVolumeSource(f: Fields, vol: Obj, path: string, volName: string, podName: string | undefined): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const [key, forbiddenAt] of SOURCES) {
    if (vol[key] === undefined || vol[key] === null) continue;
    if (count > 0) {
      errs.push(forbidden(`${path}.${forbiddenAt}`, 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    const src = f.obj(vol[key], `${path}.${key}`) ?? {};
    errs.push(...validateOneSource(f, key, src, `${path}.${key}`, volName, podName, path));
  }
  if (count === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

function validateOneSource(f: Fields, key: string, src: Obj, p: string, volName: string, podName: string | undefined, volPath: string): FieldError[] {
  const errs: FieldError[] = [];
  const s = (k: string) => f.str(src[k], `${p}.${k}`) ?? '';
  switch (key) {
    case 'emptyDir': {
      const limit = src.sizeLimit;
      const q = limit === undefined || limit === null ? undefined : parseQuantity(limit);
      if (q && isNegative(q)) errs.push(forbidden(`${p}.sizeLimit`, 'SizeLimit field must be a valid resource quantity'));
      break;
    }
    case 'hostPath': {
      const hp = s('path');
      if (!hp) {
        errs.push(required(`${p}.path`, ''));
        break;
      }
      errs.push(...validatePathNoBacksteps(hp, `${p}.path`));
      const t = src.type;
      if (t !== undefined && t !== null && !HOST_PATH_TYPES.includes(String(t))) errs.push(notSupported(`${p}.type`, t, HOST_PATH_TYPES));
      break;
    }
    case 'gitRepo':
      if (!s('repository')) errs.push(required(`${p}.repository`, ''));
      errs.push(...validateLocalDescendingPath(s('directory'), `${p}.directory`));
      break;
    case 'secret':
      if (!s('secretName')) errs.push(required(`${p}.secretName`, ''));
      errs.push(...validateMode(f, src.defaultMode, `${p}.defaultMode`));
      for (const [i, kp] of f.objList(src.items, `${p}.items`)) errs.push(...validateKeyToPath(f, kp, `${p}.items[${i}]`));
      break;
    case 'configMap':
      if (!s('name')) errs.push(required(`${p}.name`, ''));
      errs.push(...validateMode(f, src.defaultMode, `${p}.defaultMode`));
      for (const [i, kp] of f.objList(src.items, `${p}.items`)) errs.push(...validateKeyToPath(f, kp, `${p}.items[${i}]`));
      break;
    case 'downwardAPI':
      errs.push(...validateMode(f, src.defaultMode, `${p}.defaultMode`));
      for (const [, file] of f.objList(src.items, `${p}.items`)) errs.push(...validateDownwardAPIFile(f, file, p));
      break;
    case 'projected':
      errs.push(...validateMode(f, src.defaultMode, `${p}.defaultMode`));
      errs.push(...validateProjectionSources(f, src, p));
      break;
    case 'persistentVolumeClaim':
      if (!s('claimName')) errs.push(required(`${p}.claimName`, ''));
      break;
    case 'nfs': {
      if (!s('server')) errs.push(required(`${p}.server`, ''));
      const np = s('path');
      if (!np) errs.push(required(`${p}.path`, ''));
      if (!np.startsWith('/')) errs.push(invalid(`${p}.path`, np, 'must be an absolute path'));
      break;
    }
    case 'csi': {
      const driver = s('driver');
      if (!driver) errs.push(required(`${p}.driver`, ''));
      if (driver.length > 63) errs.push(invalidTooLong(`${p}.driver`, 63));
      for (const m of dns1123Subdomain(driver.toLowerCase())) errs.push(invalid(`${p}.driver`, driver, m));
      break;
    }
    case 'ephemeral':
      if (src.volumeClaimTemplate === undefined || src.volumeClaimTemplate === null) errs.push(required(`${p}.volumeClaimTemplate`, ''));
      else if (podName && volName) {
        const pvc = `${podName}-${volName}`;
        for (const m of dns1123Subdomain(pvc)) errs.push(invalid(`${volPath}.name`, volName, `PVC name "${pvc}": ${m}`));
      }
      break;
    case 'image':
      if (podName !== undefined && !s('reference')) errs.push(required(`${p}.reference`, ''));
      errs.push(...validatePullPolicy(s('pullPolicy'), `${p}.pullPolicy`));
      break;
    default:
      break;
  }
  return errs;
}

function invalidTooLong(path: string, max: number): FieldError {
  return new FieldError('FieldValueTooLong', path, '', `must have at most ${max} bytes`);
}

/** validatePullPolicy. */
export function validatePullPolicy(policy: string, path: string): FieldError[] {
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return [];
  if (policy === '') return [required(path, '')];
  return [notSupported(path, policy, ['Always', 'IfNotPresent', 'Never'])];
}

function validateMode(f: Fields, v: unknown, path: string): FieldError[] {
  const mode = f.int(v, path);
  return mode !== undefined && (mode > 0o777 || mode < 0) ? [invalid(path, mode, FILE_MODE_ERROR)] : [];
}

function validateKeyToPath(f: Fields, kp: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const key = f.str(kp.key, `${path}.key`) ?? '';
  const p = f.str(kp.path, `${path}.path`) ?? '';
  if (!key) errs.push(required(`${path}.key`, ''));
  if (!p) errs.push(required(`${path}.path`, ''));
  errs.push(...validateLocalNonReservedPath(p, `${path}.path`));
  errs.push(...validateMode(f, kp.mode, `${path}.mode`));
  return errs;
}

function validateDownwardAPIFile(f: Fields, file: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const p = f.str(file.path, `${path}.path`) ?? '';
  if (!p) errs.push(required(`${path}.path`, ''));
  errs.push(...validateLocalNonReservedPath(p, `${path}.path`));
  const fieldRef = f.obj(file.fieldRef, `${path}.fieldRef`);
  const resourceFieldRef = f.obj(file.resourceFieldRef, `${path}.resourceFieldRef`);
  if (fieldRef) {
    errs.push(...validateObjectFieldSelector(f, fieldRef, VOLUME_FIELD_PATHS, `${path}.fieldRef`));
    if (resourceFieldRef) errs.push(invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (resourceFieldRef) {
    errs.push(...validateResourceFieldSelector(f, resourceFieldRef, `${path}.resourceFieldRef`, true));
  } else {
    errs.push(required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateMode(f, file.mode, `${path}.mode`));
  return errs;
}

/** fieldpath.SplitMaybeSubscriptedPath. */
function splitSubscript(fieldPath: string): [string, string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const s = fieldPath.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return [s.slice(0, at), s.slice(at + 2)];
}

/** validateObjectFieldSelector, with ConvertDownwardAPIFieldLabel's errors. */
export function validateObjectFieldSelector(f: Fields, fs: Obj, expressions: readonly string[], path: string): FieldError[] {
  const apiVersion = f.str(fs.apiVersion, `${path}.apiVersion`) ?? '';
  const fieldPath = f.str(fs.fieldPath, `${path}.fieldPath`) ?? '';
  if (!apiVersion) return [required(`${path}.apiVersion`, '')];
  if (!fieldPath) return [required(`${path}.fieldPath`, '')];
  let converted = fieldPath;
  let err: string | undefined;
  if (apiVersion !== 'v1') err = `unsupported pod version: ${apiVersion}`;
  else {
    const sub = splitSubscript(fieldPath);
    if (sub) {
      if (sub[0] !== 'metadata.annotations' && sub[0] !== 'metadata.labels') err = `field label does not support subscript: ${fieldPath}`;
    } else if (fieldPath === 'spec.host') converted = 'spec.nodeName';
    else if (!DOWNWARD_LABELS.has(fieldPath)) err = `field label not supported: ${fieldPath}`;
  }
  if (err) return [invalid(`${path}.fieldPath`, fieldPath, `error converting fieldPath: ${err}`)];
  const sub = splitSubscript(converted);
  if (sub) {
    const [p, key] = sub;
    if (p === 'metadata.annotations') return qualifiedName(key.toLowerCase()).map((m) => invalid(path, key.toLowerCase(), m));
    if (p === 'metadata.labels') return qualifiedName(key).map((m) => invalid(path, key, m));
    return [invalid(path, p, 'does not support subscript')];
  }
  if (!expressions.includes(converted)) return [notSupported(`${path}.fieldPath`, converted, [...expressions])];
  return [];
}

/** validateContainerResourceFieldSelector (without the divisor, which is rarely set). */
export function validateResourceFieldSelector(f: Fields, fs: Obj, path: string, volume: boolean): FieldError[] {
  const containerName = f.str(fs.containerName, `${path}.containerName`) ?? '';
  const resource = f.str(fs.resource, `${path}.resource`) ?? '';
  if (volume && !containerName) return [required(`${path}.containerName`, '')];
  if (!resource) return [required(`${path}.resource`, '')];
  if (!RESOURCE_FIELD_PATHS.includes(resource) && !resource.startsWith('requests.hugepages-') && !resource.startsWith('limits.hugepages-')) {
    return [notSupported(`${path}.resource`, resource, RESOURCE_FIELD_PATHS)];
  }
  return [];
}

/** validateProjectionSources: one source kind per entry, item paths local and distinct, token projection limits. */
function validateProjectionSources(f: Fields, projection: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const allPaths = new Set<string>();
  for (const [i, source] of f.objList(projection.sources, `${path}.sources`)) {
    let n = 0;
    const srcPath = `${path}.sources[${i}]`;
    for (const kind of ['secret', 'configMap'] as const) {
      const sp = `${srcPath}.${kind}`;
      const src = f.obj(source[kind], sp);
      if (!src) continue;
      n++;
      const name = f.str(src.name, `${sp}.name`) ?? '';
      if (!name) errs.push(required(`${sp}.name`, ''));
      for (const [j, kp] of f.objList(src.items, `${sp}.items`)) {
        errs.push(...validateKeyToPath(f, kp, `${sp}.items[${j}]`));
        const p = typeof kp.path === 'string' ? kp.path : '';
        if (p) {
          if (allPaths.has(p)) errs.push(invalid(path, name, 'conflicting duplicate paths'));
          else allPaths.add(p);
        }
      }
    }
    const dapi = f.obj(source.downwardAPI, `${srcPath}.downwardAPI`);
    if (dapi) {
      n++;
      for (const [, file] of f.objList(dapi.items, `${srcPath}.downwardAPI.items`)) {
        errs.push(...validateDownwardAPIFile(f, file, `${srcPath}.downwardAPI`));
        const p = typeof file.path === 'string' ? file.path : '';
        if (p) {
          if (allPaths.has(p)) errs.push(invalid(path, p, 'conflicting duplicate paths'));
          else allPaths.add(p);
        }
      }
    }
    const tp = `${srcPath}.serviceAccountToken`;
    const token = f.obj(source.serviceAccountToken, tp);
    if (token) {
      n++;
      const exp = f.int(token.expirationSeconds, `${tp}.expirationSeconds`) ?? 0;
      if (exp < 600) errs.push(invalid(`${tp}.expirationSeconds`, exp, 'may not specify a duration less than 10 minutes'));
      if (exp > 2 ** 32) errs.push(invalid(`${tp}.expirationSeconds`, exp, 'may not specify a duration larger than 2^32 seconds'));
      const p = f.str(token.path, `${tp}.path`) ?? '';
      // IMPORTANT: Kubernetes reports a token's path at `<volume>.projected.path`, not under the source
      if (!p) errs.push(required(`${path}.path`, ''));
      else errs.push(...validateLocalNonReservedPath(p, `${path}.path`));
    }
    const ctb = f.obj(source.clusterTrustBundle, `${srcPath}.clusterTrustBundle`);
    if (ctb) {
      n++;
      const cp = `${srcPath}.clusterTrustBundle`;
      const hasName = typeof ctb.name === 'string';
      const hasSigner = typeof ctb.signerName === 'string';
      if (hasName && hasSigner) errs.push(invalid(cp, ctb, 'only one of name and signerName may be used'));
      else if (!hasName && !hasSigner) errs.push(required(cp, 'either name or signerName must be specified'));
      else if (hasName && ctb.name === '') errs.push(required(`${cp}.name`, 'must be a valid object name'));
      else if (hasSigner && ctb.signerName === '') errs.push(required(`${cp}.signerName`, 'must be a valid signer name'));
      const p = f.str(ctb.path, `${cp}.path`) ?? '';
      if (!p) errs.push(required(`${cp}.path`, ''));
      errs.push(...validateLocalNonReservedPath(p, `${cp}.path`));
      if (allPaths.has(p)) errs.push(invalid(path, p, 'conflicting duplicate paths'));
      else allPaths.add(p);
    }
    if (n > 1) errs.push(forbidden(srcPath, 'may not specify more than 1 volume type per source'));
  }
  return errs;
}

/** validatePathNoBacksteps: no `..` element (one error however many). */
export function validatePathNoBacksteps(target: string, path: string): FieldError[] {
  return target.replace(/\\/g, '/').split('/').includes('..') ? [invalid(path, target, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative, and no `..` element. */
export function validateLocalDescendingPath(target: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(invalid(path, target, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}

/** ValidateLocalNonReservedPath: a local descending path that does not start with `..` either. */
export function validateLocalNonReservedPath(target: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(invalid(path, target, "must not start with '..'"));
  return errs;
}
