import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { Batcher, fromArrays } from '@mgdl/datasets';
import { analyze, History, mesoGroups } from '../src/index.js';

/** A 23-sample table whose ids are not its row positions, so a mix-up of the two shows. */
const table = () => fromArrays({ x: Float32Array.from({ length: 23 * 2 }, (_, i) => i), shape: [23, 2], labels: Int32Array.from({ length: 23 }, (_, i) => i % 3), ids: Int32Array.from({ length: 23 }, (_, i) => 100 + 7 * i) });

// The Batcher's batches are tensors.
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('mesoGroups', () => {
  it("is the Batcher's epoch-0 batches by id, and covers every sample even with dropLast", () => {
    const data = table();
    const batcher = new Batcher(data, { batchSize: 5, seed: 9, dropLast: true });
    const groups = mesoGroups(batcher);
    expect(groups.map((g) => g.length)).toEqual([5, 5, 5, 5, 3]);
    expect(groups.flatMap((g) => Array.from(g)).sort((a, b) => a - b)).toEqual(Array.from(data.ids));
    expect([...batcher.epoch(0)].map((b) => Array.from(b.ids))).toEqual(groups.slice(0, 4).map((g) => Array.from(g)));
    // Fixed: later epochs reshuffle the batches, not the groups.
    expect(mesoGroups(batcher)).toEqual(groups);
    // The Batcher's deprecated method is the same partition until it goes.
    expect(batcher.mesoGroups()).toEqual(groups);
  });

  it('follows dataset order without shuffling, and its groups are the meso scale analyze() reports', () => {
    const data = table();
    const groups = mesoGroups(new Batcher(data, { batchSize: 10, shuffle: false }));
    expect(groups.map((g) => Array.from(g))).toEqual([Array.from(data.ids.subarray(0, 10)), Array.from(data.ids.subarray(10, 20)), Array.from(data.ids.subarray(20))]);
    // Sample 0 of group 0 is forgotten at step 1; every other sample stays right.
    const history = History.fromMatrix({ ids: data.ids, series: 'presentation', steps: 3, correct: (p, t) => (p === 0 && t === 1 ? 0 : 1) });
    const analysis = analyze(history, { groups });
    expect(analysis.meso!.map((group) => Array.from(group.s3))).toEqual([[0, 1, 1], [0, 0, 0], [0, 0, 0]]);
  });
});
