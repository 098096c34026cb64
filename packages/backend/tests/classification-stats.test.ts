/**
 * The fused per-sample statistics (MgdlClassificationStats) on cpu and wasm against the tfjs ops
 * @mgdl/kernel used before (and still uses on other backends), on cpu. Loss, correctness and margin
 * are equal bit for bit (the same float32 operations); p(gold) and EL2N within rtol 1e-5 (the fused
 * kernel computes exp and the softmax in float64).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLASSIFICATION_STATS } from '../src/index.js';
import { expectClose, expectNoLeak, Random, runOn, setupBackends, type BackendKind } from './support.js';

beforeAll(async () => {
  const report = await setupBackends();
  expect(report.kernels.map((k) => k.kernelName)).toContain(CLASSIFICATION_STATS);
});

interface StatsCase {
  batch: number;
  classes: number;
  labels: number[];
  dtype: 'int32' | 'float32';
  logits: Float32Array;
}

const rng = new Random(0x57a7);
const cases: StatsCase[] = Array.from({ length: 14 }, (_, i) => {
  const [batch, classes] = i === 13 ? [128, 10] : [rng.int(1, 9), rng.int(2, 12)];
  const logits = rng.floats(batch * classes, -4, 4);
  // Ties for the maximum: argmax takes the first.
  if (i % 5 === 4) for (let j = 0; j < logits.length; j += 2) logits[j] = 1;
  return { batch, classes, labels: Array.from({ length: batch }, () => rng.int(0, classes - 1)), dtype: i % 2 ? 'float32' : 'int32', logits };
});
const outOfRange: StatsCase = { batch: 2, classes: 3, labels: [3, -1], dtype: 'int32', logits: Float32Array.of(0.5, 2, -1, 3, 3, 0) };

/** What @mgdl/kernel's perSampleRows computed with tfjs ops: loss, correct, margin, p(gold), EL2N. */
function composite(logits: tf.Tensor, labels: tf.Tensor, loss: tf.Tensor): tf.Tensor {
  const y = tf.cast(labels, 'int32') as tf.Tensor1D;
  const mask = tf.oneHot(y, logits.shape[1]!);
  const gold = tf.sum(tf.mul(mask, logits), 1);
  const bestOther = tf.max(tf.where(tf.cast(mask, 'bool'), tf.fill(logits.shape, -Infinity), logits), 1);
  const correct = tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32');
  const el2n = tf.sqrt(tf.sum(tf.square(tf.sub(tf.softmax(logits), mask)), 1));
  return tf.stack([loss, correct, tf.sub(gold, bestOther), tf.exp(tf.neg(loss)), el2n]);
}

const fused = (logits: tf.Tensor, labels: tf.Tensor, loss: tf.Tensor): tf.Tensor => tf.engine().runKernel(CLASSIFICATION_STATS, { logits, labels, loss }) as tf.Tensor;

const statsOf = (c: StatsCase, stats: typeof fused) => (): tf.Tensor => {
  const logits = tf.tensor2d(c.logits, [c.batch, c.classes]);
  const labels = tf.tensor1d(c.labels, c.dtype);
  const loss = tf.tensor1d(new Random(c.batch).floats(c.batch, 0, 5));
  return stats(logits, labels, loss);
};

function expectSameRows(actual: Float32Array, expected: Float32Array, batch: number, label: string): void {
  const row = (values: Float32Array, r: number) => values.subarray(r * batch, (r + 1) * batch);
  ['loss', 'correct', 'margin'].forEach((name, r) => expectClose(row(actual, r), row(expected, r), { rtol: 0 }, `${label} ${name}`));
  ['p(gold)', 'EL2N'].forEach((name, r) => expectClose(row(actual, r + 3), row(expected, r + 3), { rtol: 1e-5 }, `${label} ${name}`));
}

describe.each<BackendKind>(['cpu', 'wasm'])('fused per-sample statistics on %s', (backend) => {
  [...cases, outOfRange].forEach((c, i) => {
    it(`match tfjs's ops on cpu: #${i} [${c.batch}, ${c.classes}] ${c.dtype} labels ${c === outOfRange ? '(outside the classes)' : ''}`, async () => {
      const [expected] = await runOn('cpu', statsOf(c, composite));
      const [actual] = await runOn(backend, statsOf(c, fused));
      expect(actual!.shape).toEqual([5, c.batch]);
      expectSameRows(actual!.values as Float32Array, expected!.values as Float32Array, c.batch, `#${i}`);
    });
  });

  it('leaks no tensors or backend data', async () => {
    await expectNoLeak(backend, () => [tf.randomNormal([6, 4]), tf.tensor1d([0, 1, 2, 3, 0, 1], 'int32'), tf.ones([6])], ([logits, labels, loss]) => fused(logits!, labels!, loss!));
  });
});
