/**
 * Conv2D, FusedConv2D and their backprops in oneDNN (primitives on the wasm heap). libdnnl.so.2
 * is required: without it these tests fail and say how to install it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, type MockInstance } from 'vitest';
import { convCase, describeConv, edgeConvCases, randomConvCase, type ConvCase } from './conv-cases.js';
import { defineConvBackpropSuite } from './conv2d-backprop-suite.js';
import { calledSinceLastCheck, spyOnOneDnn } from './kernel-paths.js';
import { explicitPad, expectNoLeak, expectWasmMatchesCpu, Random, setupBackendsWithNative, sizeOf } from './support.js';

let execute: MockInstance;

beforeAll(async () => {
  const report = await setupBackendsWithNative(true);
  expect(report.native.kernels).toEqual(expect.arrayContaining(['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']));
  execute = spyOnOneDnn().execute;
});

const ranInOneDnn = calledSinceLastCheck(() => execute, 'oneDNN primitive executions');

defineConvBackpropSuite({ expectPath: ranInOneDnn });

const rng = new Random(0xd11);
const forwardCases: ConvCase[] = [
  ...edgeConvCases,
  convCase([4, 12, 12, 16], [3, 3, 16, 32], [1, 1], 'same'),
  convCase([2, 9, 9, 3], [5, 5, 3, 8], [2, 2], 'valid'),
  convCase([1, 7, 7, 2], [3, 3, 2, 2], [1, 1], 'same', [2, 2]),
  ...Array.from({ length: 12 }, () => randomConvCase(rng)),
];

/** Inputs from a fixed seed, so that cpu and wasm convolve the same numbers. */
function forward(c: ConvCase, seed: number, fused: 'relu' | 'linear' | undefined) {
  return (): tf.Tensor => {
    const r = new Random(seed);
    const x = tf.tensor4d(r.floats(sizeOf(c.xShape)), c.xShape);
    const filter = tf.tensor4d(r.floats(sizeOf(c.filterShape)), c.filterShape);
    if (!fused) return tf.conv2d(x, filter, c.strides, c.pad as 'same', 'NHWC', c.dilations);
    const bias = tf.tensor1d(r.floats(c.filterShape[3]));
    return tf.fused.conv2d({ x, filter, strides: c.strides, pad: c.pad as 'same', dilations: c.dilations, bias, activation: fused });
  };
}

/** A conv output sums fh·fw·inC products: float32 error grows like its square root. */
const forwardScale = (c: ConvCase): number => Math.sqrt(c.filterShape[0] * c.filterShape[1] * c.filterShape[2]);

describe.each([
  ['Conv2D', undefined],
  ['FusedConv2D, bias + relu', 'relu'],
  ['FusedConv2D, bias + linear', 'linear'],
] as const)('%s (oneDNN) matches cpu', (_, fused) => {
  forwardCases.forEach((c, i) => {
    it(`#${i} ${describeConv(c)}`, async () => {
      const [y] = await expectWasmMatchesCpu(forward(c, 100 + i, fused), { scale: forwardScale(c) });
      expect(y?.shape).toEqual(c.dyShape);
      ranInOneDnn();
      if (fused === 'relu') expect(Math.min(...(y?.values ?? []))).toBeGreaterThanOrEqual(0);
    });
  });
});

describe('convolutions oneDNN does not take run on the wasm kernels, still matching cpu', () => {
  const c = convCase([1, 6, 6, 2], [3, 3, 2, 3], [1, 1], explicitPad(1, 1, 1, 1));
  it.each(['leakyrelu', 'elu'] as const)('FusedConv2D with %s', async (activation) => {
    const before = execute.mock.calls.length;
    await expectWasmMatchesCpu(() => {
      const r = new Random(7);
      const x = tf.tensor4d(r.floats(sizeOf(c.xShape)), c.xShape);
      const filter = tf.tensor4d(r.floats(sizeOf(c.filterShape)), c.filterShape);
      return tf.fused.conv2d({ x, filter, strides: 1, pad: c.pad as 'same', bias: tf.tensor1d(r.floats(3)), activation, leakyreluAlpha: 0.1 });
    }, { scale: 3 });
    expect(execute.mock.calls.length, 'oneDNN primitive executions').toBe(before);
  });
});

describe('native convolutions leak nothing', () => {
  it('conv2d with bias and relu, and its gradients', () =>
    expectNoLeak(
      'wasm',
      () => [tf.randomNormal([2, 6, 6, 3]), tf.randomNormal([3, 3, 3, 4]), tf.randomNormal([4])],
      ([x, w, b]) =>
        tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) =>
          tf.sum(tf.fused.conv2d({ x: p as tf.Tensor4D, filter: q as tf.Tensor4D, strides: 2, pad: 'same', bias: r, activation: 'relu' })),
        )([x!, w!, b!]),
    ).then(ranInOneDnn));
});
