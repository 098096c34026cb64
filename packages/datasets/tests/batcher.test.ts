import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { Batcher, DatasetError, fromArrays } from '../src/index.js';
import { toyImages } from './fixtures/toy.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const idsOfEpoch = (batcher: Batcher, epoch: number) => [...batcher.epoch(epoch)].flatMap((b) => Array.from(b.ids));

describe('Batcher', () => {
  it('yields every id exactly once per epoch, in a seeded order that changes between epochs', () => {
    const data = toyImages(103);
    const batcher = new Batcher(data, { batchSize: 10, seed: 4 });
    expect(batcher.batchesPerEpoch).toBe(11);
    const first = idsOfEpoch(batcher, 0);
    expect([...first].sort((a, b) => a - b)).toEqual(Array.from(data.ids));
    expect(idsOfEpoch(batcher, 1)).not.toEqual(first);
    expect(idsOfEpoch(new Batcher(data, { batchSize: 10, seed: 4 }), 0)).toEqual(first);
    expect(idsOfEpoch(new Batcher(data, { batchSize: 10, seed: 5 }), 0)).not.toEqual(first);
  });

  it('serves a fixed number of full batches per epoch from reshuffles, the first pass in the epoch\'s usual order', async () => {
    const rows = 7;
    const table = fromArrays({ x: Float32Array.from({ length: rows * 2 }, (_, i) => i), shape: [rows, 2], targets: Float32Array.from({ length: rows }, (_, i) => 10 * i) });
    const cycling = new Batcher(table, { batchSize: 3, seed: 9, batchesPerEpoch: 5, normalize: false });
    expect(cycling.batchesPerEpoch).toBe(5);
    const batches = [...cycling.epoch(1)].map((b) => Array.from(b.ids));
    expect(batches.map((b) => b.length)).toEqual([3, 3, 3, 3, 3]);
    const served = batches.flat();
    // 15 rows = two whole passes (each a permutation of the 7) and one more row; pass 0 is the plain shuffle.
    expect(served.slice(0, 7)).toEqual(Array.from(cycling.order(1)));
    expect([...served.slice(7, 14)].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(served.slice(7, 14)).not.toEqual(served.slice(0, 7));
    expect(idsOfEpoch(cycling, 2)).not.toEqual(served);
    expect([...cycling.epoch(1, 3)].map((b) => Array.from(b.ids))).toEqual(batches.slice(3));
    // A batch larger than the table takes every row, in each batch.
    const whole = [...new Batcher(table, { batchSize: 100, seed: 9, batchesPerEpoch: 2 }).epoch(0)].map((b) => [...b.ids].sort());
    expect(whole).toEqual([[0, 1, 2, 3, 4, 5, 6], [0, 1, 2, 3, 4, 5, 6]]);
    for (const batch of cycling.epoch(0)) {
      const [x, y] = [await batch.x.data(), await batch.y.data()];
      batch.ids.forEach((id, k) => expect([x[2 * k], y[k]]).toEqual([2 * id, 10 * id]));
    }
    expect(() => new Batcher(table, { batchSize: 3, batchesPerEpoch: 0 })).toThrow(/batchesPerEpoch 0.*positive integer/);
    expect(() => new Batcher(table, { batchSize: 3, batchesPerEpoch: 2, shuffle: false })).toThrow(/shuffle: false/);
  });

  it('drops the last short batch on request and resumes mid-epoch', () => {
    const batcher = new Batcher(toyImages(25), { batchSize: 10, dropLast: true });
    const batches = [...batcher.epoch(2)].map((b) => Array.from(b.ids));
    expect(batches.map((b) => b.length)).toEqual([10, 10]);
    expect([...batcher.epoch(2, 1)].map((b) => Array.from(b.ids))).toEqual(batches.slice(1));
  });

  it('makes normalised image tensors and label tensors that match the ids', async () => {
    const data = toyImages(12, 3);
    const batcher = new Batcher(data, { batchSize: 5, seed: 1 });
    for (const batch of batcher.epoch(0)) {
      expect(batch.x.shape).toEqual([batch.ids.length, 2, 2, 1]);
      const pixels = await batch.x.data();
      const labels = await batch.y.data();
      batch.ids.forEach((id, k) => {
        expect(pixels[k * 4]).toBeCloseTo((id / 255 - 0.5) / 0.25, 5);
        expect(labels[k]).toBe(id % 3);
        expect(batch.labels[k]).toBe(id % 3);
      });
    }
  });

  it('gives the same batches whether the images were converted to float once or per batch, per channel', async () => {
    // 3 channels with their own statistics, so a channel mix-up shows.
    const data = { ...toyImages(30), sampleShape: [2, 2, 3], x: Uint8Array.from({ length: 30 * 12 }, (_, j) => (j * 37) % 256), normalization: { mean: [0.1, 0.5, 0.9], std: [0.2, 0.3, 0.4] } };
    const channel = (c: number, v: number) => Math.fround((v / 255 - data.normalization.mean[c]!) / data.normalization.std[c]!);
    const batches = async (floatCacheBytes: number) => {
      const out: number[][] = [];
      for (const batch of new Batcher(data, { batchSize: 8, seed: 2, floatCacheBytes }).epoch(1)) {
        const pixels = Array.from(await batch.x.data());
        batch.ids.forEach((id, k) => pixels.slice(k * 12, (k + 1) * 12).forEach((p, j) => expect(p).toBe(channel(j % 3, data.x[id * 12 + j]!))));
        out.push(pixels);
      }
      return out;
    };
    expect(await batches(0)).toEqual(await batches(data.x.length * 4));
  });


  it("shares one float copy between Batchers of the same pixels only where their scaling agrees", async () => {
    const data = toyImages(12, 3);
    const restated = { ...data, normalization: { mean: [0.2], std: [0.5] } }; // the same pixel array, other statistics
    const firstPixel = async (batcher: Batcher) => {
      const batch = batcher.epoch(0).next().value!;
      return [batch.ids[0]!, (await batch.x.data())[0]!] as const;
    };
    for (let round = 0; round < 2; round++) {
      // Each configuration built twice: the second of each reads a shared copy and must still be right.
      const [id, scaled] = await firstPixel(new Batcher(data, { batchSize: 4, shuffle: false }));
      expect(scaled).toBeCloseTo((id / 255 - 0.5) / 0.25, 5);
      const [id2, raw] = await firstPixel(new Batcher(data, { batchSize: 4, shuffle: false, normalize: false }));
      expect(raw).toBeCloseTo(id2 / 255, 6);
      const [id3, other] = await firstPixel(new Batcher(restated, { batchSize: 4, shuffle: false }));
      expect(other).toBeCloseTo((id3 / 255 - 0.2) / 0.5, 5);
    }
  });
  it('makes int32 token tensors for text', async () => {
    const text = { ...toyImages(4), kind: 'text' as const, x: Int32Array.from({ length: 12 }, (_, j) => j), sampleShape: [3] };
    for (const batch of new Batcher(text, { batchSize: 4, shuffle: false }).epoch(0)) {
      expect(batch.x.dtype).toBe('int32');
      expect(Array.from(await batch.x.data())).toEqual(Array.from(text.x));
    }
  });

  it('disposes each batch when the next is requested, and the last when the epoch ends or breaks', () => {
    const batcher = new Batcher(toyImages(100), { batchSize: 8 });
    const before = tf.memory().numTensors;
    for (const batch of batcher.epoch(0)) expect(tf.memory().numTensors - before).toBe(batch.x.isDisposed ? 0 : 2);
    expect(tf.memory().numTensors).toBe(before);
    for (const batch of batcher.epoch(1)) if (batch.index === 3) break;
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a batch size that is not a positive integer', () => {
    expect(() => new Batcher(toyImages(5), { batchSize: 0 })).toThrow(DatasetError);
    expect(() => new Batcher(toyImages(5), { batchSize: 6, dropLast: true })).toThrow(/leaves no batch/);
  });
});
