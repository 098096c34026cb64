import { describe, expect, it } from 'vitest';
import type { Dataset } from '@mgdl/datasets';
import { trainingSubset } from '../src/index.js';

const toy = (n: number): Dataset => ({
  name: 'toy',
  split: 'train',
  kind: 'image',
  x: Uint8Array.from({ length: n }, (_, i) => i % 256),
  sampleShape: [1, 1, 1],
  labels: Int32Array.from({ length: n }, (_, i) => i % 4),
  ids: Int32Array.from({ length: n }, (_, i) => i),
  classNames: ['a', 'b', 'c', 'd'],
  sources: [],
});
const config = { trainSize: 40, seed: 1, noise: 0, noiseKind: 'symmetric' as const };
const ids = (data: Dataset) => Array.from(data.ids);

describe('training subset of a cell', () => {
  it('draws the stratified subset with config.seed unless a subset seed fixes it', () => {
    const data = toy(400);
    expect(ids(trainingSubset(data, config))).not.toEqual(ids(trainingSubset(data, { ...config, seed: 2 })));
    expect(ids(trainingSubset(data, config, { seed: 9 }))).toEqual(ids(trainingSubset(data, { ...config, seed: 2 }, { seed: 9 })));
    expect(trainingSubset(data, config, { seed: 9 }).ids).toHaveLength(40);
  });

  it('flips labels by noiseSeed when it is set, by seed otherwise, whatever draws the subset', () => {
    const data = toy(400);
    const noisy = { ...config, noise: 0.5 };
    const flipped = (d: Dataset) => Array.from(d.noise!.noisy);
    const bySeed = trainingSubset(data, noisy, { seed: 9 });
    expect(flipped(trainingSubset(data, { ...noisy, noiseSeed: noisy.seed }, { seed: 9 }))).toEqual(flipped(bySeed));
    const otherNoise = trainingSubset(data, { ...noisy, noiseSeed: 5 }, { seed: 9 });
    expect(ids(otherNoise)).toEqual(ids(bySeed));
    expect(flipped(otherNoise)).not.toEqual(flipped(bySeed));
    // The same noise seed under another run seed: the same samples flipped.
    expect(flipped(trainingSubset(data, { ...noisy, seed: 2, noiseSeed: 5 }, { seed: 9 }))).toEqual(flipped(otherNoise));
  });

  it('drops excluded ids, keeping the order and the labels (noisy ones included) of the rest', () => {
    const data = toy(400);
    const noisy = { ...config, noise: 0.5 };
    const full = trainingSubset(data, noisy, { seed: 9 });
    const exclude = ids(full).filter((_, k) => k % 3 === 0);
    const kept = trainingSubset(data, noisy, { seed: 9, exclude });
    expect(ids(kept)).toEqual(ids(full).filter((id) => !exclude.includes(id)));
    for (const [k, id] of ids(kept).entries()) expect(kept.labels[k]).toBe(full.labels[ids(full).indexOf(id)]);
    expect(kept.noise!.flipped).toBe(ids(kept).filter((id) => full.noise!.noisy[ids(full).indexOf(id)]).length);
  });

  it('rejects excluded ids outside the subset, and excluding everything', () => {
    const data = toy(400);
    const full = ids(trainingSubset(data, config, { seed: 9 }));
    const outside = ids(data).find((id) => !full.includes(id))!;
    expect(() => trainingSubset(data, config, { seed: 9, exclude: [full[0]!, outside] })).toThrow(new RegExp(`id ${outside} is not in the 40-sample training subset`));
    expect(() => trainingSubset(data, config, { seed: 9, exclude: full })).toThrow(/removes all 40 training samples/);
  });
});
