import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@mgdl/backend';
import { mcnn, mlp, trainableParams } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

const runningMean = (model: tfl.LayersModel): Float32Array =>
  model.weights.find((w) => w.name.includes('running_mean'))!.read().dataSync() as Float32Array;

describe('mcnn', () => {
  it.each([
    [1, 540],
    [3, 3868],
    [10, 39330],
    [64, 1558026],
  ])('width %i has the published %i trainable parameters', (width, params) => {
    const model = mcnn({ width });
    expect(trainableParams(model)).toBe(params);
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    model.dispose();
  });

  it('trains one step without leaking tensors and moves its batch-norm running statistics', () => {
    const model = mcnn({ width: 2 });
    const optimizer = tf.train.adam(1e-2);
    const x = tf.randomNormal([8, 32, 32, 3], 2, 1, 'float32', 3);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
    const step = (): number => {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
      const value = loss.dataSync()[0]!;
      loss.dispose();
      return value;
    };
    expect(Array.from(runningMean(model))).toEqual([0, 0]);
    const first = step();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(step()).toBeLessThan(first);
    expect(Math.abs(runningMean(model)[0]!)).toBeGreaterThan(0);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('normalises with running statistics at inference, so one sample does not depend on its batch', () => {
    const model = mcnn({ width: 1 });
    const batch = tf.randomNormal([4, 32, 32, 3], 0, 1, 'float32', 5);
    const alone = model.apply(tf.slice(batch, [0], [1]), { training: false }) as tf.Tensor;
    const inBatch = tf.slice(model.apply(batch, { training: false }) as tf.Tensor, [0], [1]);
    const diff = tf.max(tf.abs(tf.sub(alone, inBatch))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-5);
    const trainMode = tf.slice(model.apply(batch, { training: true }) as tf.Tensor, [0], [1]);
    expect(tf.max(tf.abs(tf.sub(alone, trainMode))).dataSync()[0]!).toBeGreaterThan(1e-3);
    model.dispose();
  });
});

describe('mlp', () => {
  it('784-512-10 has 407,050 parameters and logits of the class count', () => {
    const model = mlp();
    expect(trainableParams(model)).toBe(407050);
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    model.dispose();
  });
});
