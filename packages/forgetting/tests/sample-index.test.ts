import { describe, expect, it } from 'vitest';
import { createRandom } from '@mgdl/random';
import type { RunControl } from '@mgdl/kernel';
import { aum, lastLoss, SampleIndex } from '../src/index.js';
import { ValuesById } from '../src/dynamics/values-by-id.js';

const control: RunControl = { stop: () => undefined };
const random = createRandom(5);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

/** Batches of ids drawn from `pool` (so ids repeat within a batch and across epochs), of varying length. */
function batchesFrom(pool: readonly number[], count: number): Int32Array[] {
  return Array.from({ length: count }, () => Int32Array.from({ length: 1 + Math.floor(random() * 40) }, () => pick(pool)));
}

// Compact ids, a subset of a large dataset, ids far apart (a Map inside), and one stream that starts compact and turns sparse.
const pools: Record<string, number[]> = {
  compact: Array.from({ length: 60 }, (_, i) => i),
  subset: Array.from({ length: 60 }, (_, i) => 997 * i + 13),
  sparse: Array.from({ length: 60 }, (_, i) => (i * 2_147_483_647) / 64 + 3).map(Math.floor),
};

describe('SampleIndex', () => {
  for (const [name, pool] of Object.entries(pools)) {
    it(`numbers ${name} ids in the order they first arrive, as a Map would`, () => {
      const index = new SampleIndex();
      const reference = new Map<number, number>();
      for (const ids of batchesFrom(pool, 50)) {
        const positions = Array.from(index.add(ids));
        const expected = Array.from(ids, (id) => {
          if (!reference.has(id)) reference.set(id, reference.size);
          return reference.get(id)!;
        });
        expect(positions).toEqual(expected);
      }
      expect(index.size).toBe(reference.size);
      expect(index.capacity).toBeGreaterThanOrEqual(index.size);
      expect(Array.from(index.ids())).toEqual([...reference.keys()]);
      for (const id of pool) expect(index.positionOf(id)).toBe(reference.get(id) ?? -1);
    });
  }

  it('keeps every position when ids turn sparse or negative, and knows no absent id', () => {
    const index = new SampleIndex();
    index.add(Int32Array.from({ length: 100 }, (_, i) => 99 - i));
    index.add(Int32Array.of(2_000_000_000, -5, 50, -5));
    expect(index.size).toBe(102);
    expect([index.positionOf(99), index.positionOf(0), index.positionOf(2_000_000_000), index.positionOf(-5)]).toEqual([0, 99, 100, 101]);
    expect([index.positionOf(100), index.positionOf(-1), index.positionOf(1_999_999_999)]).toEqual([-1, -1, -1]);
    expect(Array.from(index.add(Int32Array.of(7, 2_000_000_000, 12345)))).toEqual([92, 100, 102]);
  });
});

describe('ValuesById', () => {
  it('behaves as a Map under set, setBatch, delete and clear', () => {
    const values = new ValuesById();
    const reference = new Map<number, number>();
    for (let op = 0; op < 400; op++) {
      const id = pick(pools.subset!);
      const roll = random();
      if (roll < 0.3) {
        const ids = batchesFrom(pools.subset!, 1)[0]!;
        const batch = Float32Array.from(ids, () => random());
        values.setBatch(ids, batch);
        ids.forEach((other, i) => reference.set(other, batch[i]!));
      } else if (roll < 0.6) {
        expect(values.set(id, op)).toBe(values);
        reference.set(id, op);
      } else if (roll < 0.8) {
        expect(values.delete(id)).toBe(reference.delete(id));
      } else if (roll < 0.82) {
        values.clear();
        reference.clear();
      }
      expect([values.get(id), values.has(id), values.size]).toEqual([reference.get(id), reference.has(id), reference.size]);
    }
    expect([...values]).toEqual([...reference]);
    expect([...values.keys()]).toEqual([...reference.keys()]);
    expect([...values.values()]).toEqual([...reference.values()]);
    const seen: [number, number][] = [];
    values.forEach((value, id, map) => {
      expect(map).toBe(values);
      seen.push([id, value]);
    });
    expect(seen).toEqual([...reference.entries()]);
  });
});

/** A presentation batch of the kernel's shape. */
const batch = (epoch: number, ids: Int32Array, margin: Float32Array) => ({ ids, loss: margin.map((m) => m * m), margin, epoch, step: 0, batchIndex: 0, meanLoss: 0, terms: {}, learningRate: 0.1 });

describe('per-sample plugins over ids that repeat, are far apart, or first arrive in a later epoch', () => {
  // Epoch e presents only the first 20 + 10·e ids of the pool, so later epochs bring new samples.
  const epochs = (pool: readonly number[]) => Array.from({ length: 4 }, (_, e) => batchesFrom(pool.slice(0, 20 + 10 * e), 12).map((ids) => ({ ids, margin: Float32Array.from(ids, () => 4 * random() - 2) })));

  for (const [name, pool] of Object.entries(pools)) {
    it(`lastLoss and aum keep what a Map by id keeps (${name} ids)`, () => {
      const losses = lastLoss({ source: 'presentation' });
      const margins = aum({ source: 'presentation' });
      const latest = new Map<number, number>();
      const sums = new Map<number, { sum: number; count: number }>();
      epochs(pool).forEach((batches, epoch) => {
        for (const { ids, margin } of batches) {
          const event = batch(epoch, ids, margin);
          void losses.onBatchEnd!(event, control);
          void margins.onBatchEnd!(event, control);
          ids.forEach((id, i) => {
            latest.set(id, event.loss[i]!);
            const entry = sums.get(id) ?? { sum: 0, count: 0 };
            sums.set(id, { sum: entry.sum + margin[i]!, count: entry.count + 1 });
          });
        }
      });
      expect([...losses.values]).toEqual([...latest]);
      // Read as lists, so the check holds for number lists and typed arrays alike.
      const state = losses.stateDict!() as { ids: ArrayLike<number>; loss: ArrayLike<number> };
      expect([Array.from(state.ids), Array.from(state.loss)]).toEqual([[...latest.keys()], [...latest.values()]]);
      const ascending = [...sums.keys()].sort((a, b) => a - b);
      expect(margins.result()).toEqual({
        ids: Int32Array.from(ascending),
        aum: Float64Array.from(ascending, (id) => sums.get(id)!.sum / sums.get(id)!.count),
        epochs: Uint32Array.from(ascending, (id) => sums.get(id)!.count),
      });
    });
  }

  it('a batch refused for a negative id changes no row', () => {
    const margins = aum({ source: 'presentation' });
    void margins.onBatchEnd!(batch(0, Int32Array.of(3, 9), Float32Array.of(1, 2)), control);
    const before = margins.stateDict!();
    expect(() => margins.onBatchEnd!(batch(0, Int32Array.of(4, -1, 3), Float32Array.of(1, 1, 1)), control)).toThrow(/non-negative/);
    expect(margins.stateDict!()).toEqual(before);
  });
});

describe('the README example', () => {
  it('numbers ids as the README says', () => {
    const index = new SampleIndex();
    const loss = new Float32Array(60_000);
    const positions = index.add(Int32Array.of(41_007, 5, 41_007));
    expect(Array.from(positions)).toEqual([0, 1, 0]);
    loss.set([0.7], positions[0]);
    expect(loss[0]).toBe(Math.fround(0.7));
    expect(index.positionOf(5)).toBe(1);
    expect(index.positionOf(6)).toBe(-1);
    expect(Array.from(index.ids())).toEqual([41007, 5]);
  });
});
