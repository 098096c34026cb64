import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { gradientClipping, KernelError, train, type StepContext } from '../src/index.js';
import { toyBatcher, toyModel, weightsOf } from './fixtures/toy.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

const ctx = {} as StepContext;
const norm = (arrays: readonly (readonly number[])[]) => Math.hypot(...arrays.flat());

describe('gradientClipping', () => {
  it('scales every gradient by one factor when their global norm exceeds maxNorm', () => {
    const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor2d([[0], [4]]) }; // global norm 5
    const before = tf.memory().numTensors;
    const clipped = gradientClipping({ maxNorm: 1 }).transformGrads!(grads, ctx);
    expect(tf.memory().numTensors - before).toBe(2); // the two new gradients, no leaked intermediates
    expect(Array.from(clipped.a!.dataSync())[0]).toBeCloseTo(0.6, 5);
    expect(Array.from(clipped.b!.dataSync())[1]).toBeCloseTo(0.8, 5);
    expect(clipped.b!.shape).toEqual([2, 1]);
    tf.dispose([...Object.values(grads), ...Object.values(clipped)]);
  });

  it('leaves gradients within maxNorm as they are', () => {
    const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) };
    const kept = gradientClipping({ maxNorm: 10 }).transformGrads!(grads, ctx);
    expect(Array.from(kept.a!.dataSync())).toEqual([3, 0]);
    expect(Array.from(kept.b!.dataSync())).toEqual([0, 4]);
    tf.dispose([...Object.values(grads), ...Object.values(kept)]);
  });

  it('rejects a maxNorm that is not positive', () => {
    for (const maxNorm of [0, -1, Number.NaN]) expect(() => gradientClipping({ maxNorm })).toThrow(KernelError);
  });

  it('bounds each SGD step in train() by learningRate · maxNorm', async () => {
    const learningRate = 0.5;
    // One step: 16 samples in one batch; the same kind of model with and without clipping.
    const step = async (maxNorm?: number) => {
      const initial = toyModel();
      const start = weightsOf(initial);
      const { model } = await train({
        model: initial,
        data: toyBatcher(16, 16),
        epochs: 1,
        learningRate,
        optimizer: { name: 'sgd' },
        seed: 1,
        plugins: maxNorm === undefined ? [] : [gradientClipping({ maxNorm })],
        progress: false,
      });
      const moved = norm(weightsOf(model).map((w, i) => w.map((v, j) => v - start[i]![j]!)));
      model.dispose();
      return moved;
    };
    const free = await step();
    const clipped = await step(1e-3);
    expect(free).toBeGreaterThan(learningRate * 1e-2);
    expect(clipped).toBeGreaterThan(0);
    expect(clipped).toBeLessThanOrEqual(learningRate * 1e-3 * (1 + 1e-3));
  });
});
