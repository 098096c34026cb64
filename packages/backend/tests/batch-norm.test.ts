import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormTraining } from '../src/index.js';
import {
  expectClose,
  expectSameResults,
  maxAbs,
  Random,
  runOn,
  setupBackends,
  sizeOf,
  type BackendKind,
} from './support.js';

beforeAll(setupBackends);

interface BatchNormCase {
  shape: number[];
  epsilon: number;
  x: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
  upstream: Float32Array;
}

const rng = new Random(0xb40);
const cases: BatchNormCase[] = Array.from({ length: 24 }, (_, i) => {
  const channels = rng.int(1, 5);
  const shape = i % 2 === 0 ? [rng.int(2, 24), channels] : [rng.int(1, 4), rng.int(1, 5), rng.int(1, 5), channels];
  if (sizeOf(shape) === channels) shape[1] = 2; // at least two rows per channel
  // Shifted, scaled inputs: the variance must not come out of a cancellation.
  const x = rng.floats(sizeOf(shape), -1, 1).map((v) => rng.int(-3, 3) + v * (0.1 + 2 * rng.float()));
  return {
    shape,
    epsilon: rng.pick([1e-5, 1e-3]),
    x,
    gamma: rng.floats(channels, 0.5, 2),
    beta: rng.floats(channels),
    upstream: rng.floats(sizeOf(shape)),
  };
});

const channelsOf = (c: BatchNormCase): number => c.shape[c.shape.length - 1] as number;
const inputs = (c: BatchNormCase): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] => [
  tf.tensor(c.x, c.shape),
  tf.tensor1d(c.gamma),
  tf.tensor1d(c.beta),
];

/** tfjs's own formula: moments over every axis but the last, then batchNorm. */
function composite(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number) {
  const { mean, variance } = tf.moments(
    x,
    x.shape.slice(0, -1).map((_, i) => i),
  );
  return { y: tf.batchNorm(x, mean, variance, beta, gamma, epsilon), mean, variance };
}

type Impl = typeof composite;

const forward = (c: BatchNormCase, impl: Impl) => (): tf.Tensor[] => {
  const { y, mean, variance } = impl(...inputs(c), c.epsilon);
  return [y, mean, variance];
};

const gradients = (c: BatchNormCase, impl: Impl) => (): tf.Tensor[] =>
  tf.grads((x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
    const { y, mean, variance } = impl(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, c.epsilon);
    tf.dispose([mean, variance]);
    return tf.sum(tf.mul(y, tf.tensor(c.upstream, c.shape)));
  })(inputs(c));

const describeCase = (c: BatchNormCase): string => `x[${c.shape}] eps ${c.epsilon}`;

describe.each<BackendKind>(['cpu', 'wasm'])('batchNormTraining on %s matches the composite on cpu', (backend) => {
  cases.forEach((c, i) => {
    it(`forward #${i} ${describeCase(c)}`, async () => {
      const expected = await runOn('cpu', forward(c, composite));
      const actual = await runOn(backend, forward(c, batchNormTraining));
      expect(actual.map((r) => r.shape)).toEqual([c.shape, [channelsOf(c)], [channelsOf(c)]]);
      expectSameResults(actual.slice(0, 1), expected.slice(0, 1), { rtol: 1e-4, scale: 3 }, 'y');
      expectSameResults(actual.slice(1), expected.slice(1), { rtol: 1e-5 }, 'mean, variance');
    });

    it(`gradients #${i} ${describeCase(c)}`, async () => {
      const expected = await runOn('cpu', gradients(c, composite));
      const actual = await runOn(backend, gradients(c, batchNormTraining));
      expect(actual.map((r) => r.shape)).toEqual([c.shape, [channelsOf(c)], [channelsOf(c)]]);
      // dx is a difference of terms as large as γ/σ·|dy|; compare relative to the largest of them.
      const [dx, ...rest] = expected;
      const scale = maxAbs(dx?.values ?? []);
      expectSameResults(actual.slice(0, 1), expected.slice(0, 1), { rtol: 1e-4, scale: Math.max(1, scale) }, 'dx');
      expectSameResults(actual.slice(1), rest, { rtol: 1e-4, scale: Math.sqrt(sizeOf(c.shape)) }, 'dγ, dβ');
    });
  });
});

it('mean and variance carry no gradient (they are running statistics)', async () => {
  const c = cases[1] as BatchNormCase;
  const [dx] = await runOn('wasm', () =>
    tf.grads((x: tf.Tensor) => {
      const { y, mean, variance } = batchNormTraining(x, tf.tensor1d(c.gamma), tf.tensor1d(c.beta), c.epsilon);
      // y keeps x on the tape; its zero weight leaves only what flows back through the statistics.
      return tf.addN([tf.sum(tf.mul(y, 0)), tf.sum(mean), tf.sum(variance)]);
    })([tf.tensor(c.x, c.shape)]),
  );
  expect(dx?.shape).toEqual(c.shape);
  expectClose(dx?.values ?? [], new Float32Array(sizeOf(c.shape)), { rtol: 0 });
});
