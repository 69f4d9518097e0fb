import type { StoredObject, WatchEvent, WatchEventType } from './types.js';

/**
 * A change as the stores keep it: the object as a JSON string with its resourceVersion already
 * stamped. A string cannot be mutated, so history and watchers can share it safely; every reader
 * gets its own object by parsing it.
 * @example
 * const e: EncodedEvent = { type: 'DELETED', key: '/registry/pods/ns/a', revision: 9, json: '{"metadata":{"resourceVersion":"9"}}' };
 */
export interface EncodedEvent {
  type: WatchEventType;
  key: string;
  revision: number;
  json: string;
}

/**
 * Copies `obj` as JSON with `metadata.resourceVersion` set to `revision`; the caller's object is
 * not touched. Returns the JSON to keep and a fresh object for the caller. Values that JSON cannot
 * carry (`undefined` fields, functions) are dropped, as they would be on the wire and on disk.
 * @example
 * const { object, json } = stamp({ metadata: { name: 'a' } }, 7);
 * object.metadata.resourceVersion; // '7'
 * json; // '{"metadata":{"name":"a","resourceVersion":"7"}}'
 */
export function stamp(obj: StoredObject, revision: number): { object: StoredObject; json: string } {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new TypeError(`a stored value must be a JSON object, got ${Array.isArray(obj) ? 'an array' : String(obj)}`);
  }
  const metadata = obj.metadata !== null && typeof obj.metadata === 'object' ? obj.metadata : {};
  const json = JSON.stringify({ ...obj, metadata: { ...metadata, resourceVersion: String(revision) } });
  return { object: JSON.parse(json) as StoredObject, json };
}

/**
 * Turns a kept event into the {@link WatchEvent} a handler receives, with an object of its own.
 * @example
 * const e = decode({ type: 'ADDED', key: '/registry/pods/ns/a', revision: 3, json: '{"metadata":{"resourceVersion":"3"}}' });
 * e.object.metadata.resourceVersion; // '3'
 */
export function decode(e: EncodedEvent): WatchEvent {
  return { type: e.type, key: e.key, object: JSON.parse(e.json) as StoredObject, revision: e.revision };
}
