/**
 * The kernel's losses call @mgdl/backend's fused kernels by name when the backend has them (wasm
 * here): mse's per-sample errors and gradients are then tfjs's ops' bit for bit, in one kernel
 * each way; where the kernel does not apply (targets broadcast against the predictions) tfjs's ops run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, MEAN_SQUARED_ERROR, MEAN_SQUARED_ERROR_GRAD } from '@mgdl/backend';
import { meanSquaredError } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

const opsMse = (p: tf.Tensor, t: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)), p.shape.slice(1).map((_, i) => i + 1));

/** Per-sample errors and the gradient of their mean with respect to the predictions, with the kernels that ran. */
async function errorAndGrad(mse: (p: tf.Tensor, t: tf.Tensor) => tf.Tensor, targetShape: number[]) {
  const predictions = tf.randomNormal([32, 4], 0, 1, 'float32', 7);
  const targets = tf.randomNormal(targetShape, 0, 1, 'float32', 8);
  let out: tf.Tensor[] = [];
  const profile = await tf.profile(() => {
    out = [mse(predictions, targets), tf.grad((p: tf.Tensor) => tf.mean(mse(p, targets)))(predictions)];
  });
  const values = out.map((t) => Array.from(t.dataSync()));
  tf.dispose([predictions, targets, ...out]);
  return { values, kernels: new Set(profile.kernels.map((k) => k.name)) };
}

describe('mse', () => {
  it('runs the fused kernel forward and backward, bit for bit what tfjs ops give', async () => {
    const fused = await errorAndGrad(meanSquaredError.perSample, [32, 4]);
    expect([...fused.kernels]).toEqual(expect.arrayContaining([MEAN_SQUARED_ERROR, MEAN_SQUARED_ERROR_GRAD]));
    expect(fused.kernels.has('Square')).toBe(false);
    expect(fused.values).toEqual((await errorAndGrad(opsMse, [32, 4])).values);
  });

  it('falls back to tfjs ops when the targets broadcast against the predictions', async () => {
    const broadcast = await errorAndGrad(meanSquaredError.perSample, [1, 4]);
    expect(broadcast.kernels.has(MEAN_SQUARED_ERROR)).toBe(false);
    expect(broadcast.values).toEqual((await errorAndGrad(opsMse, [1, 4])).values);
  });
});
