/**
 * The fused per-sample softmax cross-entropy (MgdlSoftmaxCrossEntropy and its gradient kernel) on
 * cpu and wasm against tfjs's ops on cpu (−Σ oneHot·logSoftmax), values and gradients, random shapes.
 * Tolerance: rtol 1e-5 of max(1, |expected|): the fused kernel sums exp() in float64, tfjs in float32.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SOFTMAX_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY_GRAD } from '../src/index.js';
import { expectNoLeak, expectSameResults, Random, runOn, setupBackends, type BackendKind } from './support.js';

beforeAll(async () => {
  const report = await setupBackends();
  expect(report.kernels.map((k) => k.kernelName)).toEqual(expect.arrayContaining([SOFTMAX_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY_GRAD]));
});

interface LossCase {
  batch: number;
  classes: number;
  labels: number[];
  dtype: 'int32' | 'float32';
  logits: Float32Array;
  upstream: Float32Array;
}

const rng = new Random(0xce);
const cases: LossCase[] = Array.from({ length: 16 }, (_, i) => {
  // tfjs's oneHot needs 2 classes or more.
  const [batch, classes] = i === 15 ? [128, 10] : [rng.int(1, 9), rng.int(2, 12)];
  // Logits up to ±30: exp() overflows without the max shift.
  const spread = i % 4 === 3 ? 30 : 3;
  return {
    batch,
    classes,
    labels: Array.from({ length: batch }, () => rng.int(0, classes - 1)),
    dtype: i % 2 === 0 ? 'int32' : 'float32',
    logits: rng.floats(batch * classes, -spread, spread),
    upstream: rng.floats(batch),
  };
});

const fused = (logits: tf.Tensor, labels: tf.Tensor): tf.Tensor => tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { logits, labels }) as tf.Tensor;
/** What @mgdl/kernel computed before the fused kernel (and still does on other backends). */
const composite = (logits: tf.Tensor, labels: tf.Tensor): tf.Tensor =>
  tf.neg(tf.sum(tf.mul(tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, logits.shape[1]!), tf.logSoftmax(logits)), 1));

/** The per-sample losses and the gradient of Σ loss·u with respect to the logits. */
const lossAndGrad = (c: LossCase, loss: typeof fused) => (): tf.Tensor[] => {
  const logits = tf.tensor2d(c.logits, [c.batch, c.classes]);
  const labels = tf.tensor1d(c.labels, c.dtype);
  const upstream = tf.tensor1d(c.upstream);
  return [loss(logits, labels), tf.grad((z: tf.Tensor) => tf.sum(tf.mul(loss(z, labels), upstream)))(logits)];
};

describe.each<BackendKind>(['cpu', 'wasm'])('fused softmax cross-entropy on %s', (backend) => {
  cases.forEach((c, i) => {
    it(`matches tfjs's ops on cpu: #${i} [${c.batch}, ${c.classes}] ${c.dtype} labels`, async () => {
      const expected = await runOn('cpu', lossAndGrad(c, composite));
      const actual = await runOn(backend, lossAndGrad(c, fused));
      expect(actual.map((r) => r.shape)).toEqual([[c.batch], [c.batch, c.classes]]);
      expectSameResults(actual, expected, { rtol: 1e-5, scale: 1 }, `#${i}`);
    });
  });

  it('a label outside the classes gives loss 0 and gradient dy·softmax, as tfjs oneHot does', async () => {
    const c: LossCase = { batch: 2, classes: 3, labels: [3, -1], dtype: 'int32', logits: Float32Array.of(1, 2, 3, 0, 0, 0), upstream: Float32Array.of(1, 1) };
    const [loss, grad] = await runOn(backend, lossAndGrad(c, fused));
    expect(Array.from(loss!.values)).toEqual([0, 0]);
    expect(grad!.values[3]).toBeCloseTo(1 / 3, 6);
  });

  it('leaks no tensors or backend data', async () => {
    await expectNoLeak(backend, () => [tf.randomNormal([6, 4]), tf.tensor1d([0, 1, 2, 3, 0, 1], 'int32')], ([logits, labels]) => [
      fused(logits!, labels!),
      tf.grad((z: tf.Tensor) => tf.sum(fused(z, labels!)))(logits!),
    ]);
  });
});
