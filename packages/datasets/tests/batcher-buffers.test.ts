import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { Batcher, fromArrays, type Dataset } from '../src/index.js';
import { toyImages } from './fixtures/toy.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

/** Every batch of an epoch, its tensors cloned and read only after the whole epoch has been served. */
async function keptBatches(data: Dataset, batchSize: number, normalize = true): Promise<{ ids: number[]; x: number[]; y: number[] }[]> {
  const kept: { ids: Int32Array; x: tf.Tensor; y: tf.Tensor }[] = [];
  for (const batch of new Batcher(data, { batchSize, seed: 3, normalize }).epoch(0)) kept.push({ ids: batch.ids, x: tf.clone(batch.x), y: tf.clone(batch.y) });
  const read = await Promise.all(kept.map(async ({ ids, x, y }) => ({ ids: Array.from(ids), x: Array.from(await x.data()), y: Array.from(await y.data()) })));
  tf.dispose(kept.flatMap(({ x, y }) => [x, y]));
  return read;
}

describe.each(['wasm', 'cpu'])('Batcher on the %s backend', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('gives every batch its own values, whether or not the backend copies the arrays it is made of', async () => {
    const images = await keptBatches(toyImages(11, 3), 4);
    expect(images.flatMap((b) => b.ids).sort((a, b) => a - b)).toEqual(Array.from({ length: 11 }, (_, i) => i));
    for (const { ids, x, y } of images) {
      ids.forEach((id, k) => {
        for (let j = 0; j < 4; j++) expect(x[k * 4 + j]).toBeCloseTo((id / 255 - 0.5) / 0.25, 5);
        expect(y[k]).toBe(id % 3);
      });
    }
    const rows = 9;
    const table = fromArrays({ x: Float32Array.from({ length: rows * 2 }, (_, i) => i), shape: [rows, 2], targets: Float32Array.from({ length: rows }, (_, i) => 10 * i) });
    for (const { ids, x, y } of await keptBatches(table, 2, false)) {
      ids.forEach((id, k) => {
        expect(x.slice(k * 2, k * 2 + 2)).toEqual([2 * id, 2 * id + 1]);
        expect(y[k]).toBe(10 * id);
      });
    }
  });
});
