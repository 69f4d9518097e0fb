import { LOOPBACK_USER } from '../audit/in-process.js';
import { errors, isStatusError } from '../errors/index.js';
import { apiVersionOf } from '../registry/kinds.js';
import type { ObjectRegistry } from '../registry/object-registry.js';
import { decodeObject, type KindSchemas } from '../registry/schema/index.js';
import type { KubeObject } from '../registry/types.js';
import { TOKEN_FAULTS } from './active-faults.js';
import type { FaultInjector } from './fault-injector.js';
import type { FaultSpec, TokenFault } from '../registry/kinds/token-fault.js';

/** A fault injected through the library: how often it acted, and how to end it. */
export interface FaultHandle {
  /** the TokenFault's name (`fault-xxxxx` unless the spec named it) */
  readonly name: string;
  /**
   * How many requests it has changed: `status.matched` as this emulator knows it (its own counts
   * included before they are written back); after {@link remove}, the count it ended with.
   */
  readonly matched: number;
  /** A copy of the TokenFault as stored, or undefined once removed. */
  object(): TokenFault | undefined;
  /** Deletes the TokenFault: it acts on no request that starts after this resolves. */
  remove(): Promise<void>;
}

/** `emulator.faults`: TokenFaults from a test, without YAML. */
export interface EmulatorFaults {
  /**
   * Creates a TokenFault with this spec (validated as over HTTP: unknown fields, wrong types and
   * bad values are 400 and 422 StatusErrors) and returns its handle once it is in force.
   * @example
   * const outage = await emu.faults.inject({ target: 'review', action: 'error', code: 503, times: 3 });
   * await emu.reviewToken(token); // throws a StatusError with code 503, three times
   * outage.matched; // 3
   */
  inject(spec: FaultSpec): Promise<FaultHandle>;
  /** Every TokenFault, as stored (copies). */
  list(): TokenFault[];
  /** Deletes every TokenFault. */
  clear(): Promise<void>;
}

export interface FaultsApiDeps {
  objects: ObjectRegistry;
  schemas: KindSchemas;
  faults: { injector: FaultInjector };
  /** resolves when the controllers and counters have caught up */
  idle(): Promise<void>;
}

/** The TokenFault object a spec describes: `name` becomes metadata, the rest the spec. */
function objectOf(spec: FaultSpec): Record<string, unknown> {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw errors.badRequest('a fault spec must be an object such as { target: "review", action: "reject" }');
  const { name, ...rest } = spec;
  if (name !== undefined && typeof name !== 'string') throw errors.badRequest('json: cannot unmarshal non-string into Go struct field ObjectMeta.metadata.name of type string');
  return { apiVersion: apiVersionOf(TOKEN_FAULTS), kind: 'TokenFault', metadata: name ? { name } : { generateName: 'fault-' }, spec: rest };
}

/**
 * The library's face of the TokenFaults of one control plane (`emulator.faults`).
 * @example
 * const faults = emulatorFaults(controlPlane);
 * const f = await faults.inject({ target: 'issue', action: 'delay', delay: '2s' });
 */
export function emulatorFaults(d: FaultsApiDeps): EmulatorFaults {
  const handle = (created: KubeObject): FaultHandle => {
    const name = created.metadata.name!;
    const uid = created.metadata.uid;
    let last = 0;
    let removed = false;
    const current = () => {
      const o = d.objects.peek(TOKEN_FAULTS, undefined, name);
      return o && o.metadata.uid === uid ? o : undefined;
    };
    return {
      name,
      get matched() {
        if (!removed && current()) last = d.faults.injector.matched(name) ?? last;
        return last;
      },
      object: () => {
        const o = current();
        return o ? (structuredClone(o) as TokenFault) : undefined;
      },
      async remove() {
        if (removed) return;
        await d.idle();
        if (current()) last = d.faults.injector.matched(name) ?? last;
        removed = true;
        try {
          await d.objects.delete(TOKEN_FAULTS, '', name, { user: LOOPBACK_USER, ...(uid ? { preconditions: { uid } } : {}) });
        } catch (e) {
          // already gone (or replaced by another of that name, which is not this handle's)
          if (!(isStatusError(e) && (e.code === 404 || e.code === 409))) throw e;
        }
        await d.idle();
      },
    };
  };
  return {
    async inject(spec) {
      const value = objectOf(spec);
      const { object } = decodeObject({ schemas: d.schemas, group: TOKEN_FAULTS.group, version: TOKEN_FAULTS.version, kind: 'TokenFault', value, fieldValidation: 'Strict' });
      const created = await d.objects.create(TOKEN_FAULTS, '', object as KubeObject, { user: LOOPBACK_USER });
      await d.idle();
      return handle(created);
    },
    list() {
      return d.objects.list(TOKEN_FAULTS, undefined).items.map((o) => structuredClone(o) as TokenFault);
    },
    async clear() {
      for (const o of d.objects.list(TOKEN_FAULTS, undefined).items) {
        try {
          await d.objects.delete(TOKEN_FAULTS, '', o.metadata.name!, { user: LOOPBACK_USER });
        } catch (e) {
          if (!(isStatusError(e) && e.code === 404)) throw e;
        }
      }
      await d.idle();
    },
  };
}
