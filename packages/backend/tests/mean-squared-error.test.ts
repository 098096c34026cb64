/**
 * The fused per-sample mean squared error (MgdlMeanSquaredError and its gradient kernel) on cpu and
 * wasm against tfjs's ops on the same backend (mean over the outputs of (p − t)²), values and
 * gradients, random shapes. Tolerance: none — the kernels round where tfjs's ops round, so the
 * results are equal bit for bit (a regression net's training does not move when the kernel is used).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MEAN_SQUARED_ERROR, MEAN_SQUARED_ERROR_GRAD } from '../src/index.js';
import { expectNoLeak, Random, runOn, setupBackends, type BackendKind } from './support.js';

beforeAll(async () => {
  const report = await setupBackends();
  expect(report.kernels.map((k) => k.kernelName)).toEqual(expect.arrayContaining([MEAN_SQUARED_ERROR, MEAN_SQUARED_ERROR_GRAD]));
});

interface ErrorCase {
  shape: number[];
  predictions: Float32Array;
  targets: Float32Array;
  upstream: Float32Array;
}

const rng = new Random(0x3e);
const cases: ErrorCase[] = Array.from({ length: 12 }, (_, i) => {
  // The regression nets' shapes ([128, 1], the bubbling bed's [batch, 4]), then random ones, one of rank 3.
  const shape = i === 0 ? [128, 1] : i === 1 ? [64, 4] : i === 11 ? [rng.int(1, 6), 3, rng.int(1, 5)] : [rng.int(1, 40), rng.int(1, 17)];
  const size = shape.reduce((a, b) => a * b, 1);
  const spread = i % 3 === 2 ? 1e3 : 2;
  return { shape, predictions: rng.floats(size, -spread, spread), targets: rng.floats(size, -spread, spread), upstream: rng.floats(shape[0]!) };
});

const fused = (predictions: tf.Tensor, targets: tf.Tensor): tf.Tensor => tf.engine().runKernel(MEAN_SQUARED_ERROR, { predictions, targets }) as tf.Tensor;
/** What @mgdl/kernel computes without the fused kernel. */
const composite = (predictions: tf.Tensor, targets: tf.Tensor): tf.Tensor => tf.mean(tf.square(tf.sub(predictions, targets)), predictions.shape.slice(1).map((_, i) => i + 1));

/** The per-sample errors, and the gradients of mean(error·u) — as the kernel's step averages them — with respect to both inputs. */
const errorAndGrads = (c: ErrorCase, error: typeof fused) => (): tf.Tensor[] => {
  const predictions = tf.tensor(c.predictions, c.shape);
  const targets = tf.tensor(c.targets, c.shape);
  const upstream = tf.tensor1d(c.upstream);
  const grads = tf.grads((p: tf.Tensor, t: tf.Tensor) => tf.mean(tf.mul(error(p, t), upstream)))([predictions, targets]);
  return [error(predictions, targets), ...grads];
};

describe.each<BackendKind>(['cpu', 'wasm'])('fused mean squared error on %s', (backend) => {
  cases.forEach((c, i) => {
    it(`equals tfjs's ops on ${backend} bit for bit: #${i} [${c.shape.join(', ')}]`, async () => {
      const expected = await runOn(backend, errorAndGrads(c, composite));
      const actual = await runOn(backend, errorAndGrads(c, fused));
      expect(actual.map((r) => r.shape)).toEqual([[c.shape[0]], c.shape, c.shape]);
      actual.forEach((result, k) => expect(Array.from(result.values), `#${i} output ${k}`).toEqual(Array.from(expected[k]!.values)));
    });
  });

  it('leaks no tensors or backend data', async () => {
    await expectNoLeak(backend, () => [tf.randomNormal([6, 4]), tf.randomNormal([6, 4])], ([p, t]) => [fused(p!, t!), ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(fused(a, b)))([p!, t!])]);
  });
});
