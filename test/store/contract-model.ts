import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KeyValueStore, WatchEvent } from '../../src/store/types.js';
import type { ContractContext } from './contract.js';
import { obj } from './contract-helpers.js';

type Expect = 'none' | 'current' | 'stale';
type Op = { kind: 'create' | 'update' | 'delete'; key: string; expect: Expect };

const KEYS = ['/registry/pods/a/x', '/registry/pods/a/y', '/registry/pods/ab/x', '/registry/secrets/a/x'];
const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('create' as const, 'update' as const, 'delete' as const),
  key: fc.constantFrom(...KEYS),
  expect: fc.constantFrom('none' as const, 'current' as const, 'stale' as const),
});

/** The store as the interface describes it: key → resourceVersion, one counter. */
class Model {
  readonly rvs = new Map<string, number>();
  rev = 0;

  /** The error code the op must fail with, or undefined after applying it. */
  apply(op: Op): string | undefined {
    const cur = this.rvs.get(op.key);
    if (op.kind === 'create') {
      if (cur !== undefined) return 'AlreadyExists';
      this.rvs.set(op.key, ++this.rev);
      return undefined;
    }
    if (cur === undefined) return 'NotFound';
    if (op.expect === 'stale') return 'Conflict';
    this.rev++;
    if (op.kind === 'delete') this.rvs.delete(op.key);
    else this.rvs.set(op.key, this.rev);
    return undefined;
  }
}

/** The expectedRevision an op sends, read from the model before the op: current, stale or none. */
function expectedFor(op: Op, model: Model): string | undefined {
  const cur = model.rvs.get(op.key) ?? 1;
  return op.expect === 'none' ? undefined : String(op.expect === 'current' ? cur : cur + 1000);
}

/** Runs one op on the store: undefined on success, else the StoreError code. */
async function run(s: KeyValueStore, op: Op, expected: string | undefined): Promise<string | undefined> {
  try {
    if (op.kind === 'create') await s.create(op.key, obj('o'));
    else if (op.kind === 'update') await s.update(op.key, obj('o'), expected);
    else await s.delete(op.key, expected);
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

/** Random sequences of writes against a model of the interface: outcomes, lists and watches agree. */
export function modelContract(ctx: ContractContext): void {
  describe('against a model', () => {
    it('agrees with the model on every outcome, the final list, and what live and replaying watchers saw', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
          const s = await ctx.open();
          const model = new Model();
          const live: WatchEvent[] = [];
          s.watch('/registry/pods/a/', (e) => live.push(e));
          for (const op of ops) {
            const expected = expectedFor(op, model);
            const want = model.apply(op);
            expect(await run(s, op, expected), `${op.kind} ${op.key} (${op.expect})`).toBe(want);
            expect(s.revision()).toBe(model.rev);
          }
          const listed = (await s.list('/registry/')).items.map((o) => Number(o.metadata.resourceVersion));
          expect(listed).toEqual([...model.rvs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, rv]) => rv));
          const replayed: WatchEvent[] = [];
          s.watch('/registry/pods/a/', (e) => replayed.push(e), { sinceRevision: 0 });
          expect(replayed).toEqual(live);
          expect(live.every((e) => e.key.startsWith('/registry/pods/a/') && e.object.metadata.resourceVersion === String(e.revision))).toBe(true);
          await s.close();
        }),
        { numRuns: 60 },
      );
    });
  });
}
